#include "rules/push_templates.h"

namespace setia::rules {

const std::vector<std::string_view>& push_placeholders(std::string_view kind) {
  static const std::map<std::string_view, std::vector<std::string_view>> kKinds = {
      {"sale_points", {"name", "points", "balance", "receipt_no"}},
      {"points_expiring", {"name", "points", "valid_until"}},
      {"promo", {"name", "title", "until"}},
  };
  static const std::vector<std::string_view> kNone;
  auto it = kKinds.find(kind);
  return it == kKinds.end() ? kNone : it->second;
}

namespace {

// The placeholder name of `allowed` that `text` starts with at `at` ('{'), or empty.
std::string_view placeholder_at(std::string_view text, std::size_t at, const std::vector<std::string_view>& allowed) {
  for (auto name : allowed) {
    if (text.size() >= at + name.size() + 2 && text.substr(at + 1, name.size()) == name &&
        text[at + 1 + name.size()] == '}') {
      return name;
    }
  }
  return {};
}

}  // namespace

std::size_t unknown_placeholder(std::string_view text, const std::vector<std::string_view>& allowed) {
  for (std::size_t i = text.find('{'); i != std::string_view::npos; i = text.find('{', i + 1)) {
    if (placeholder_at(text, i, allowed).empty()) return i;
  }
  return std::string_view::npos;
}

std::string fill_placeholders(std::string_view text,
                              const std::function<std::optional<std::string>(std::string_view)>& value) {
  std::string out;
  std::size_t from = 0;
  for (std::size_t i = text.find('{'); i != std::string_view::npos; i = text.find('{', i + 1)) {
    auto close = text.find('}', i);
    if (close == std::string_view::npos) break;
    auto name = text.substr(i + 1, close - i - 1);
    if (name.empty() || name.find('{') != std::string_view::npos) continue;
    auto v = value(name);
    if (!v) continue;
    out.append(text.substr(from, i - from));
    out += *v;
    from = close + 1;
    i = close;
  }
  out.append(text.substr(from));
  return out;
}

}  // namespace setia::rules
