#pragma once

#include <expected>
#include <string>

#include "rules/load_error.h"
#include "rules/rule_set.h"

namespace setia::rules {

// Parses one rule file. Unknown keys, wrong types and impossible values are
// errors naming file:line:column and what was expected; all errors of the
// file are reported, not just the first.
std::expected<RuleSet, LoadErrors> load_rule_text(const std::string& text, const std::string& file);
std::expected<RuleSet, LoadErrors> load_rule_file(const std::string& path);

// Loads every *.yaml / *.yml in `dir` (sorted by name). The book is returned
// only when every file is valid and no store has two files.
std::expected<RuleBook, LoadErrors> load_rule_dir(const std::string& dir);

// Loads the given files as one book (for `rules check FILE...`).
std::expected<RuleBook, LoadErrors> load_rule_files(const std::vector<std::string>& paths);

}  // namespace setia::rules
