#include "rules/branding.h"

#include <array>
#include <cstdint>
#include <tuple>
#include <utility>

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

struct Kind {
  std::string_view prefix;
  std::string_view magic;  // the file's first bytes
  std::string_view name;
};
// SVG is left out on purpose: it is a document that may hold script and
// links, not only a picture.
constexpr std::array<Kind, 3> kKinds{{
    {"data:image/png;base64,", "\x89PNG\r\n\x1a\n", "PNG"},
    {"data:image/jpeg;base64,", "\xFF\xD8\xFF", "JPEG"},
    {"data:image/webp;base64,", "RIFF", "WebP"},
}};

unsigned byte_at(std::string_view b, std::size_t i) { return i < b.size() ? static_cast<unsigned char>(b[i]) : 0U; }
unsigned be16(std::string_view b, std::size_t i) { return byte_at(b, i) << 8 | byte_at(b, i + 1); }
unsigned le16(std::string_view b, std::size_t i) { return byte_at(b, i) | byte_at(b, i + 1) << 8; }
unsigned le24(std::string_view b, std::size_t i) { return le16(b, i) | byte_at(b, i + 2) << 16; }

// Width and height from the image's header; {0, 0} when not found.
std::pair<int, int> pixel_size(std::string_view kind, std::string_view b) {
  if (kind == "PNG" && b.size() >= 24 && b.substr(12, 4) == "IHDR") {
    const unsigned w = be16(b, 16) << 16 | be16(b, 18);
    const unsigned h = be16(b, 20) << 16 | be16(b, 22);
    if (w > 0 && h > 0 && w < 65536 && h < 65536) return {static_cast<int>(w), static_cast<int>(h)};
  }
  if (kind == "JPEG") {
    // Segments after SOI: FF marker, a 2-byte length; the frame header
    // (SOF0..SOF15 but DHT C4, JPG C8, DAC CC) holds height then width.
    for (std::size_t i = 2; i + 9 <= b.size();) {
      if (byte_at(b, i) != 0xFF) break;
      const unsigned marker = byte_at(b, i + 1);
      if (marker == 0xFF) {
        ++i;
        continue;
      }
      if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
        const unsigned h = be16(b, i + 5);
        const unsigned w = be16(b, i + 7);
        if (w > 0 && h > 0) return {static_cast<int>(w), static_cast<int>(h)};
        break;
      }
      if (marker == 0xD9 || marker == 0xDA) break;  // end of image, start of scan: no frame header before
      i += 2 + be16(b, i + 2);
    }
  }
  if (kind == "WebP" && b.size() >= 25) {
    const auto chunk = b.substr(12, 4);
    if (chunk == "VP8X" && b.size() >= 30)
      return {static_cast<int>(le24(b, 24) + 1), static_cast<int>(le24(b, 27) + 1)};
    if (chunk == "VP8L" && byte_at(b, 20) == 0x2F) {
      const unsigned bits = le16(b, 21) | le16(b, 23) << 16;
      return {static_cast<int>((bits & 0x3FFF) + 1), static_cast<int>(((bits >> 14) & 0x3FFF) + 1)};
    }
    if (chunk == "VP8 " && b.size() >= 30 && b.substr(23, 3) == "\x9D\x01\x2A") {
      const unsigned w = le16(b, 26) & 0x3FFF;
      const unsigned h = le16(b, 28) & 0x3FFF;
      if (w > 0 && h > 0) return {static_cast<int>(w), static_cast<int>(h)};
    }
  }
  return {0, 0};
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
  for (const auto& kind : kKinds) {
    if (!url.starts_with(kind.prefix)) continue;
    auto bytes = base64_decode(url.substr(kind.prefix.size()));
    if (!bytes) return "its data after 'base64,' is not valid base64 (A-Z a-z 0-9 + / and '=' padding, no spaces)";
    if (bytes->size() > kMaxLogoBytes) {
      return "is " + std::to_string(bytes->size()) + " bytes, at most " + std::to_string(kMaxLogoBytes) +
             " (a logo of 192x192 pixels is enough: the app shows it at 64, a phone's home screen at 192)";
    }
    if (!bytes->starts_with(kind.magic) || (kind.name == "WebP" && bytes->substr(8, 4) != "WEBP")) {
      return "says " + std::string(kind.name) + " but its bytes are not a " + std::string(kind.name) + " image";
    }
    return std::nullopt;
  }
  return "must be a data URL of a PNG, JPEG or WebP image: data:image/png;base64,... (make one with: "
         "echo \"data:image/png;base64,$(base64 -w0 logo.png)\")";
}

std::optional<LogoImage> decode_logo(std::string_view url) {
  if (logo_problem(url)) return std::nullopt;
  for (const auto& kind : kKinds) {
    if (!url.starts_with(kind.prefix)) continue;
    LogoImage logo;
    logo.media_type = std::string(url.substr(5, url.find(';') - 5));  // after "data:"
    logo.bytes = *base64_decode(url.substr(kind.prefix.size()));
    std::tie(logo.width, logo.height) = pixel_size(kind.name, logo.bytes);
    return logo;
  }
  return std::nullopt;
}

}  // namespace setia::rules
