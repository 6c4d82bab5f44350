#include "rules/yaml_reader.h"

#include <algorithm>
#include <limits>

namespace setia::rules {

void YamlReader::error(const YAML::Node& at, const std::string& message) {
  auto m = at.Mark();
  errors.push_back({file_, m.line + 1, m.column + 1, message});
}

bool YamlReader::keys(const YAML::Node& map, std::string_view what, std::span<const std::string_view> known) {
  if (!map.IsMap()) {
    error(map, std::string(what) + " must be a mapping");
    return false;
  }
  std::vector<std::string> seen;
  for (const auto& kv : map) {
    if (!kv.first.IsScalar()) {
      error(kv.first, "keys in " + std::string(what) + " must be plain names");
      continue;
    }
    const std::string key = kv.first.Scalar();
    // yaml-cpp keeps both copies of a repeated key and a lookup finds the
    // first: the second would be silently ignored.
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
      error(kv.first, "duplicate key '" + key + "' in " + std::string(what));
      continue;
    }
    seen.push_back(key);
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      std::string list;
      for (auto k : known) list += (list.empty() ? "" : ", ") + std::string(k);
      error(kv.first, "unknown key '" + key + "' in " + std::string(what) + " (expected one of: " + list + ")");
    }
  }
  return true;
}

std::optional<std::string> YamlReader::string(const YAML::Node& n, std::string_view what) {
  if (!n.IsScalar()) {
    error(n, std::string(what) + " must be a string");
    return std::nullopt;
  }
  return n.Scalar();
}

std::optional<std::int64_t> YamlReader::integer(const YAML::Node& n, std::string_view what, std::int64_t min,
                                                std::int64_t max) {
  if (!n.IsScalar()) {
    error(n, std::string(what) + " must be an integer");
    return std::nullopt;
  }
  const std::string& s = n.Scalar();
  std::size_t i = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
  bool ok = i < s.size();
  std::int64_t v = 0;
  for (; ok && i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') {
      ok = false;
      break;
    }
    if (v > (std::numeric_limits<std::int64_t>::max() - (s[i] - '0')) / 10) {
      error(n, std::string(what) + " is too large (at most " + std::to_string(max) + ")");
      return std::nullopt;
    }
    v = v * 10 + (s[i] - '0');
  }
  if (!ok) {
    error(n, std::string(what) + " must be a whole number, got '" + s + "'");
    return std::nullopt;
  }
  if (s[0] == '-') v = -v;
  if (v < min || v > max) {
    error(n, std::string(what) + " must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " +
                 std::to_string(v));
    return std::nullopt;
  }
  return v;
}

std::optional<bool> YamlReader::boolean(const YAML::Node& n, std::string_view what) {
  if (n.IsScalar()) {
    const auto& s = n.Scalar();
    if (s == "true") return true;
    if (s == "false") return false;
  }
  error(n, std::string(what) + " must be true or false");
  return std::nullopt;
}

std::vector<std::string> YamlReader::strings(const YAML::Node& n, std::string_view what) {
  std::vector<std::string> out;
  if (!n.IsSequence()) {
    error(n, std::string(what) + " must be a list of strings");
    return out;
  }
  for (const auto& item : n) {
    if (auto s = string(item, std::string(what) + " item")) out.push_back(*s);
  }
  return out;
}

void YamlReader::get(const YAML::Node& map, const char* key, std::string_view what, std::string& out) {
  if (auto n = map[key]) {
    if (auto s = string(n, what)) out = *s;
  }
}

void YamlReader::get(const YAML::Node& map, const char* key, std::string_view what, int& out, int min, int max) {
  if (auto n = map[key]) {
    if (auto v = integer(n, what, min, max)) out = static_cast<int>(*v);
  }
}

void YamlReader::get(const YAML::Node& map, const char* key, std::string_view what, std::int64_t& out, std::int64_t min,
                     std::int64_t max) {
  if (auto n = map[key]) {
    if (auto v = integer(n, what, min, max)) out = *v;
  }
}

std::optional<YAML::Node> parse_yaml(const std::string& text, const std::string& file, LoadErrors& errors) {
  if (text.size() > (1u << 20)) {
    errors.push_back({file, 0, 0, "file is larger than 1 MiB"});
    return std::nullopt;
  }
  try {
    YAML::Node root = YAML::Load(text);
    if (!root || root.IsNull()) {
      errors.push_back({file, 1, 1, "file is empty"});
      return std::nullopt;
    }
    return root;
  } catch (const YAML::Exception& e) {
    errors.push_back({file, e.mark.line + 1, e.mark.column + 1, "YAML syntax: " + e.msg});
    return std::nullopt;
  }
}

}  // namespace setia::rules
