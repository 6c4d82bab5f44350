#include "adapters/rest/rules_json.h"

#include <algorithm>
#include <charconv>
#include <sstream>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "adapters/rest/http_errors.h"
#include "rules/load_error.h"
#include "rules/yaml_guard.h"

namespace setia::adapters::rest {
namespace {

using nlohmann::json;

json to_json(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Sequence: {
      json a = json::array();
      for (const auto& item : n) a.push_back(to_json(item));
      return a;
    }
    case YAML::NodeType::Map: {
      json o = json::object();
      for (const auto& kv : n) o[kv.first.Scalar()] = to_json(kv.second);
      return o;
    }
    case YAML::NodeType::Scalar: {
      const std::string& s = n.Scalar();
      if (n.Tag() == "!") return s;  // quoted: a string
      if (s == "true") return true;
      if (s == "false") return false;
      long long v = 0;
      auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
      if (ec == std::errc() && p == s.data() + s.size() && !s.empty()) return v;
      return s;
    }
    default: return nullptr;
  }
}

YAML::Node to_yaml(const json& j) {
  if (j.is_array()) {
    YAML::Node n(YAML::NodeType::Sequence);
    for (const auto& item : j) n.push_back(to_yaml(item));
    return n;
  }
  if (j.is_object()) {
    YAML::Node n(YAML::NodeType::Map);
    for (const auto& [k, v] : j.items()) n[k] = to_yaml(v);
    return n;
  }
  if (j.is_string()) return YAML::Node(j.get<std::string>());
  if (j.is_boolean()) return YAML::Node(j.get<bool>() ? "true" : "false");
  if (j.is_number_integer()) return YAML::Node(std::to_string(j.get<long long>()));
  if (j.is_number()) return YAML::Node(j.dump());
  return YAML::Node(YAML::NodeType::Null);
}

// One top-level entry of the text: its key and the lines it spans.
struct Entry {
  std::string key;
  std::size_t first = 0, end = 0;  // lines [first, end)
};

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) out.push_back(line);
  return out;
}

bool comment_or_blank(const std::string& line) {
  auto at = line.find_first_not_of(" \t\r");
  return at == std::string::npos || line[at] == '#';
}

// The top-level entries of a block mapping, by the lines of their keys;
// the comment and blank lines just above a key go with that key.
std::vector<Entry> entries_of(const YAML::Node& root, const std::vector<std::string>& lines) {
  std::vector<Entry> out;
  for (const auto& kv : root) out.push_back({kv.first.Scalar(), static_cast<std::size_t>(kv.first.Mark().line), 0});
  std::sort(out.begin(), out.end(), [](const Entry& a, const Entry& b) { return a.first < b.first; });
  for (std::size_t i = 0; i < out.size(); ++i) {
    std::size_t end = i + 1 < out.size() ? out[i + 1].first : lines.size();
    if (i + 1 < out.size()) {
      while (end > out[i].first + 1 && comment_or_blank(lines[end - 1])) --end;
    }
    out[i].end = end;
  }
  return out;
}

std::string emit(const std::string& key, const YAML::Node& value) {
  YAML::Emitter e;
  e << YAML::BeginMap << YAML::Key << key << YAML::Value << value << YAML::EndMap;
  return std::string(e.c_str()) + "\n";
}

}  // namespace

std::optional<json> form_sections(const std::string& yaml) {
  rules::LoadErrors errors;
  auto root = rules::parse_rule_yaml(yaml, "", errors);
  if (!root || !root->IsMap()) return std::nullopt;
  json out = json::object();
  for (const char* key : kFormSections) {
    const auto& n = (*root)[key];
    out[key] = n ? to_json(n) : (std::string(key) == "birthday" ? json(nullptr) : json::array());
  }
  return out;
}

std::string merge_sections(const std::string& yaml, const json& sections, const std::optional<std::string>& store) {
  if (!sections.is_object()) throw bad_request("sections must be an object of promos, rewards and birthday");
  for (const auto& [key, value] : sections.items()) {
    if (std::none_of(std::begin(kFormSections), std::end(kFormSections), [&](const char* k) { return key == k; })) {
      throw bad_request("sections." + key +
                        " is no form section (promos, rewards, birthday); send the whole file as "
                        "yaml to change the rest");
    }
  }
  rules::LoadErrors errors;
  auto root = rules::parse_rule_yaml(yaml, "", errors);
  auto lines = lines_of(yaml);
  // Replacements by top-level key: the new text (empty: removed).
  std::vector<std::pair<std::string, std::string>> replace;
  for (const auto& [key, value] : sections.items()) {
    bool remove = value.is_null() || (value.is_array() && value.empty());
    replace.emplace_back(key, remove ? "" : emit(key, to_yaml(value)));
  }
  if (store) replace.emplace_back("store", "store: " + *store + "\n");
  if (!root || !root->IsMap()) {
    // Not a mapping the loader would take anyway: the sections alone, for
    // the loader to say what is missing.
    std::string out;
    for (const auto& [key, text] : replace) out += text;
    return out;
  }
  auto entries = entries_of(*root, lines);
  std::string out;
  std::size_t line = 0;
  for (const auto& e : entries) {
    for (; line < e.first; ++line) out += lines[line] + "\n";
    auto r = std::find_if(replace.begin(), replace.end(), [&](const auto& p) { return p.first == e.key; });
    if (r == replace.end()) {
      for (; line < e.end; ++line) out += lines[line] + "\n";
    } else {
      out += r->second;
      r->first.clear();  // done
      line = e.end;
    }
  }
  for (; line < lines.size(); ++line) out += lines[line] + "\n";
  for (const auto& [key, text] : replace) {
    if (!key.empty()) out += text;  // a section the file did not have
  }
  return out;
}

}  // namespace setia::adapters::rest
