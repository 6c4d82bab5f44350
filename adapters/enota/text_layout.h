#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace setia::adapters::enota::text {

// Printer-safe text: every control character (ESC starts an ESC/POS command,
// a newline would break the layout) becomes a space. Names come from the
// POS and from customers, so they are never trusted to be plain.
std::string printable(std::string_view s);

// Columns a string takes on a receipt printer: one per UTF-8 code point.
// (Wide CJK/emoji glyphs take two on some printers; Indonesian text has none.)
std::size_t columns(std::string_view s);

// Lines of at most `width` columns, broken at spaces; a word longer than a
// line is cut at a code point boundary.
std::vector<std::string> wrap(std::string_view s, std::size_t width);

// Each line of `s` wrapped and centred; no trailing spaces.
std::vector<std::string> centred(std::string_view s, std::size_t width);

// `left` and `right` on one line, `right` flush with the right edge; when
// both do not fit, `left` (wrapped) first and `right` on a line of its own.
std::vector<std::string> two_columns(std::string_view left, std::string_view right, std::size_t width);

}  // namespace setia::adapters::enota::text
