#include "adapters/enota/text_layout.h"

#include "core/support/utf8.h"

namespace setia::adapters::enota::text {
namespace {

std::string spaces(std::size_t n) { return std::string(n, ' '); }

}  // namespace

std::string printable(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) c = ' ';
  }
  return out;
}

std::size_t columns(std::string_view s) { return utf8::length(s); }

std::vector<std::string> wrap(std::string_view s, std::size_t width) {
  std::vector<std::string> lines;
  std::string line;
  std::size_t pos = 0;
  while (pos < s.size()) {
    while (pos < s.size() && s[pos] == ' ') ++pos;
    if (pos >= s.size()) break;
    std::size_t end = s.find(' ', pos);
    if (end == std::string_view::npos) end = s.size();
    std::string_view word = s.substr(pos, end - pos);
    pos = end;
    const std::size_t need = columns(line) + (line.empty() ? 0 : 1) + columns(word);
    if (need <= width) {
      if (!line.empty()) line += ' ';
      line += word;
      continue;
    }
    if (!line.empty()) lines.push_back(std::move(line));
    line.clear();
    while (columns(word) > width) {
      const std::size_t cut = utf8::prefix_bytes(word, width);
      lines.emplace_back(word.substr(0, cut));
      word.remove_prefix(cut);
    }
    line = word;
  }
  if (!line.empty()) lines.push_back(std::move(line));
  return lines;
}

std::vector<std::string> centred(std::string_view s, std::size_t width) {
  std::vector<std::string> out;
  for (auto& l : wrap(s, width)) out.push_back(spaces((width - columns(l)) / 2) + l);
  return out;
}

std::vector<std::string> two_columns(std::string_view left, std::string_view right, std::size_t width) {
  const std::size_t l = columns(left), r = columns(right);
  if (l + 1 + r <= width) return {std::string(left) + spaces(width - l - r) + std::string(right)};
  std::vector<std::string> out = wrap(left, width);
  for (auto& piece : wrap(right, width)) out.push_back(spaces(width - columns(piece)) + piece);
  return out;
}

}  // namespace setia::adapters::enota::text
