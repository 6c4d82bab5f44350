#include "adapters/rest/pagination.h"

#include <charconv>

#include "adapters/rest/http_errors.h"
#include "adapters/rest/rest_api.h"

namespace setia::adapters::rest {
namespace {

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string base64url(const std::string& in) {
  std::string out;
  unsigned bits = 0;
  int nbits = 0;
  for (unsigned char c : in) {
    bits = (bits << 8) | c;
    nbits += 8;
    while (nbits >= 6) {
      nbits -= 6;
      out.push_back(kAlphabet[(bits >> nbits) & 63]);
    }
  }
  if (nbits > 0) out.push_back(kAlphabet[(bits << (6 - nbits)) & 63]);
  return out;
}

std::optional<std::string> unbase64url(const std::string& in) {
  std::string out;
  unsigned bits = 0;
  int nbits = 0;
  for (char c : in) {
    auto pos = kAlphabet.find(c);
    if (pos == std::string_view::npos) return std::nullopt;
    bits = (bits << 6) | static_cast<unsigned>(pos);
    nbits += 6;
    if (nbits >= 8) {
      nbits -= 8;
      out.push_back(static_cast<char>((bits >> nbits) & 255));
    }
  }
  return out;
}

std::optional<std::int64_t> to_int(std::string_view s) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

}  // namespace

std::string encode_cursor(const core::Cursor& c) { return base64url(std::to_string(c.a) + "." + std::to_string(c.b)); }

std::optional<core::Cursor> decode_cursor(const std::string& s) {
  if (s.empty() || s.size() > 64) return std::nullopt;
  auto text = unbase64url(s);
  if (!text) return std::nullopt;
  auto dot = text->find('.');
  if (dot == std::string::npos) return std::nullopt;
  auto a = to_int(std::string_view(*text).substr(0, dot)), b = to_int(std::string_view(*text).substr(dot + 1));
  if (!a || !b) return std::nullopt;
  return core::Cursor{*a, *b};
}

core::PageRequest page_request(const Call& call) {
  core::PageRequest p;
  p.limit = kDefaultPageLimit;
  if (auto it = call.query.find("limit"); it != call.query.end()) {
    auto v = to_int(it->second);
    if (!v || *v < 1)
      throw bad_request("limit must be a whole number of at least 1 (at most " + std::to_string(kMaxPageLimit) +
                        " are returned)");
    p.limit = static_cast<int>(std::min<std::int64_t>(*v, kMaxPageLimit));
  }
  if (auto it = call.query.find("cursor"); it != call.query.end() && !it->second.empty()) {
    p.after = decode_cursor(it->second);
    if (!p.after) throw bad_request("cursor is not a next_cursor of this list");
  }
  return p;
}

}  // namespace setia::adapters::rest
