#pragma once

#include <algorithm>
#include <string_view>

namespace setia::core {

// A free text a person gave for the record (a reason, a note, a notice's
// version): no control characters, so it prints on one line of a log or
// an export as it was typed.
inline bool printable(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return c >= 0x20 && c != 0x7f; });
}

}  // namespace setia::core
