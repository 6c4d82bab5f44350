#pragma once

#include <cstddef>
#include <string_view>

namespace setia::utf8 {

// Code points of UTF-8 text, counted by their lead bytes (text that is not
// UTF-8 is counted as it comes: it is cut, never rejected, here).
inline bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

inline std::size_t length(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) n += is_continuation(c) ? 0 : 1;
  return n;
}

// Bytes of the first `n` code points of s: a cut that never splits one.
inline std::size_t prefix_bytes(std::string_view s, std::size_t n) {
  std::size_t i = 0, seen = 0;
  for (; i < s.size(); ++i) {
    if (!is_continuation(s[i]) && seen++ == n) break;
  }
  return i;
}

}  // namespace setia::utf8
