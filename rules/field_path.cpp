#include "rules/field_path.h"

#include <tuple>

#include "rules/yaml_guard.h"

namespace setia::rules {
namespace {

struct Located {
  int line;  // 1-based, as LoadError
  int column;
  bool key;  // a mapping's key (a value wins over a key at the same place)
  std::string path;
};

void walk(const YAML::Node& n, const std::string& path, std::vector<Located>& out) {
  auto m = n.Mark();
  out.push_back({m.line + 1, m.column + 1, false, path});
  if (n.IsSequence()) {
    std::size_t i = 0;
    for (const auto& item : n) walk(item, path + "[" + std::to_string(i++) + "]", out);
  } else if (n.IsMap()) {
    for (const auto& kv : n) {
      const std::string name = kv.first.IsScalar() ? kv.first.Scalar() : "?";
      const std::string child = path.empty() ? name : path + "." + name;
      auto k = kv.first.Mark();
      out.push_back({k.line + 1, k.column + 1, true, child});
      walk(kv.second, child, out);
    }
  }
}

std::string field_at(const std::vector<Located>& nodes, int line, int column) {
  const Located* exact_key = nullptr;
  const Located* before = nullptr;
  for (const auto& n : nodes) {
    if (n.line == line && n.column == column) {
      if (!n.key) return n.path;  // the first: the outermost of the values there
      if (!exact_key) exact_key = &n;
    }
    if (std::tie(n.line, n.column) <= std::tie(line, column) &&
        (!before || std::tie(before->line, before->column) < std::tie(n.line, n.column))) {
      before = &n;
    }
  }
  if (exact_key) return exact_key->path;
  return before ? before->path : "";
}

}  // namespace

std::vector<FieldError> field_errors(const std::string& text, const LoadErrors& errors) {
  std::vector<Located> nodes;
  LoadErrors ignored;
  if (auto root = parse_rule_yaml(text, "", ignored)) walk(*root, "", nodes);
  std::vector<FieldError> out;
  out.reserve(errors.size());
  for (const auto& e : errors) {
    out.push_back({e.line > 0 ? field_at(nodes, e.line, e.column) : "", e.line, e.column, e.message});
  }
  return out;
}

}  // namespace setia::rules
