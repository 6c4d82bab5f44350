#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include <yaml-cpp/yaml.h>

#include "rules/load_error.h"

namespace setia::rules {

// Limits a rule file must keep before its tree is built. A rule file is
// written by a shop admin, but it is still input from outside the daemon:
// these keep a hostile or broken one from costing unbounded time or memory.
inline constexpr std::size_t kMaxRuleFileBytes = std::size_t{1} << 20;  // 1 MiB
inline constexpr int kMaxRuleDepth = 32;                                // nested lists/maps
inline constexpr std::size_t kMaxRuleNodes = 100'000;                   // values in all

// Parses a rule file's text into a YAML tree after a streaming pass that
// refuses, with a positioned LoadError:
//  - files over kMaxRuleFileBytes;
//  - anchors and aliases: an alias repeats a subtree without copying it, so
//    nine lines can stand for a billion values ("billion laughs");
//  - nesting deeper than kMaxRuleDepth and more than kMaxRuleNodes values;
//  - more than one YAML document (the second would be silently ignored).
std::optional<YAML::Node> parse_rule_yaml(const std::string& text, const std::string& file, LoadErrors& errors);

}  // namespace setia::rules
