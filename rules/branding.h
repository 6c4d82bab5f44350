#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace setia::rules {

// How the store's member app looks (docs/member-app.md): the name it shows,
// its logo and two colours. Read from the rule file's `branding` section so
// that each café hands out its own app from one setiad.
struct Branding {
  std::string name;                 // empty: the app shows the store id
  std::string logo;                 // a data: URL of a PNG, JPEG or WebP; empty: none
  std::string primary = "#6d4c41";  // bars and buttons (coffee brown)
  std::string accent = "#ff8f00";   // the points and highlights (amber)
};

// The logo is carried inline, in the rule file and in the JSON the app
// reads before login, so it is kept small: a phone shows it at 64 px.
inline constexpr std::size_t kMaxLogoBytes = 24 * 1024;  // decoded
inline constexpr std::size_t kMaxBrandNameChars = 60;

// "#rrggbb" (hex digits in either case).
bool is_hex_colour(std::string_view s);

// What is wrong with a logo data URL ("data:image/png;base64,..."): its
// media type (png, jpeg, webp), its base64, its size, or bytes that are not
// the image type it claims; none when it is good.
std::optional<std::string> logo_problem(std::string_view data_url);

// A good logo, decoded: its media type, its bytes, and its size in pixels
// as the image's header says (0 x 0 when the header does not say it where
// this reader looks: PNG's IHDR, JPEG's SOF, WebP's VP8, VP8L or VP8X).
// The installed app's icon is the logo only when its size is known.
struct LogoImage {
  std::string media_type;  // "image/png", "image/jpeg", "image/webp"
  std::string bytes;
  int width = 0;
  int height = 0;
};
std::optional<LogoImage> decode_logo(std::string_view data_url);

}  // namespace setia::rules
