#include "rules/branding.h"

#include <array>
#include <cstdint>

namespace setia::rules {
namespace {

// The decoded bytes of standard base64 (with '=' padding), or none.
std::optional<std::string> base64_decode(std::string_view in) {
  if (in.empty() || in.size() % 4 != 0) return std::nullopt;
  static constexpr auto kValue = [] {
    std::array<int, 256> v{};
    v.fill(-1);
    const std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (std::size_t i = 0; i < alphabet.size(); ++i) v[static_cast<unsigned char>(alphabet[i])] = static_cast<int>(i);
    return v;
  }();
  std::size_t pad = 0;
  if (in.ends_with("==")) {
    pad = 2;
  } else if (in.ends_with('=')) {
    pad = 1;
  }
  std::string out;
  out.reserve(in.size() / 4 * 3);
  for (std::size_t i = 0; i < in.size(); i += 4) {
    std::uint32_t group = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      const auto c = static_cast<unsigned char>(in[i + k]);
      const bool padding = c == '=' && i + 4 == in.size() && k >= 4 - pad;
      const int v = padding ? 0 : kValue[c];
      if (v < 0) return std::nullopt;
      group = (group << 6) | static_cast<std::uint32_t>(v);
    }
    out.push_back(static_cast<char>((group >> 16) & 0xFF));
    out.push_back(static_cast<char>((group >> 8) & 0xFF));
    out.push_back(static_cast<char>(group & 0xFF));
  }
  out.resize(out.size() - pad);
  return out;
}

bool hex_digit(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

}  // namespace

bool is_hex_colour(std::string_view s) {
  if (s.size() != 7 || s[0] != '#') return false;
  for (char c : s.substr(1)) {
    if (!hex_digit(c)) return false;
  }
  return true;
}

std::optional<std::string> logo_problem(std::string_view url) {
  struct Kind {
    std::string_view prefix;
    std::string_view magic;  // the file's first bytes
    std::string_view name;
  };
  // SVG is left out on purpose: it is a document that may hold script and
  // links, not only a picture.
  static constexpr std::array<Kind, 3> kKinds{{
      {"data:image/png;base64,", "\x89PNG\r\n\x1a\n", "PNG"},
      {"data:image/jpeg;base64,", "\xFF\xD8\xFF", "JPEG"},
      {"data:image/webp;base64,", "RIFF", "WebP"},
  }};
  for (const auto& kind : kKinds) {
    if (!url.starts_with(kind.prefix)) continue;
    auto bytes = base64_decode(url.substr(kind.prefix.size()));
    if (!bytes) return "its data after 'base64,' is not valid base64 (A-Z a-z 0-9 + / and '=' padding, no spaces)";
    if (bytes->size() > kMaxLogoBytes) {
      return "is " + std::to_string(bytes->size()) + " bytes, at most " + std::to_string(kMaxLogoBytes) +
             " (a logo of 128x128 pixels is enough; the app shows it at 64)";
    }
    if (!bytes->starts_with(kind.magic) || (kind.name == "WebP" && bytes->substr(8, 4) != "WEBP")) {
      return "says " + std::string(kind.name) + " but its bytes are not a " + std::string(kind.name) + " image";
    }
    return std::nullopt;
  }
  return "must be a data URL of a PNG, JPEG or WebP image: data:image/png;base64,... (make one with: "
         "echo \"data:image/png;base64,$(base64 -w0 logo.png)\")";
}

}  // namespace setia::rules
