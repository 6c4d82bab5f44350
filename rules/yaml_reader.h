#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "rules/load_error.h"

namespace setia::rules {

// Typed, positioned reading of a YAML tree: every problem is collected as a
// LoadError with file:line:column and what was expected, and reading goes
// on so that one pass reports them all. Used for rule files and the daemon
// config alike.
class YamlReader {
 public:
  explicit YamlReader(std::string file) : file_(std::move(file)) {}

  LoadErrors errors;

  const std::string& file() const { return file_; }

  void error(const YAML::Node& at, const std::string& message);

  // Refuses keys not in `known` (a typo is never silently ignored) and keys
  // given twice (YAML would keep one of them silently).
  bool keys(const YAML::Node& map, std::string_view what, std::span<const std::string_view> known);
  bool keys(const YAML::Node& map, std::string_view what, std::initializer_list<std::string_view> known) {
    return keys(map, what, std::span<const std::string_view>(known.begin(), known.size()));
  }

  std::optional<std::string> string(const YAML::Node& n, std::string_view what);
  std::optional<std::int64_t> integer(const YAML::Node& n, std::string_view what, std::int64_t min, std::int64_t max);
  std::optional<bool> boolean(const YAML::Node& n, std::string_view what);
  std::vector<std::string> strings(const YAML::Node& n, std::string_view what);

  // Reads `key` of `map` into `out` when present.
  void get(const YAML::Node& map, const char* key, std::string_view what, std::string& out);
  void get(const YAML::Node& map, const char* key, std::string_view what, int& out, int min, int max);
  void get(const YAML::Node& map, const char* key, std::string_view what, std::int64_t& out, std::int64_t min,
           std::int64_t max);

 private:
  std::string file_;
};

// Parses YAML text; a syntax error becomes a positioned LoadError.
std::optional<YAML::Node> parse_yaml(const std::string& text, const std::string& file, LoadErrors& errors);

}  // namespace setia::rules
