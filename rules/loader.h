#pragma once

#include <expected>
#include <optional>
#include <string>

#include "rules/load_error.h"
#include "rules/rule_set.h"

namespace setia::rules {

// Parses one rule file. Unknown keys, wrong types and impossible values are
// errors naming file:line:column and what was expected; all errors of the
// file are reported, not just the first.
std::expected<RuleSet, LoadErrors> load_rule_text(const std::string& text, const std::string& file);
std::expected<RuleSet, LoadErrors> load_rule_file(const std::string& path);

// Loads every *.yaml / *.yml in `dir` (sorted by name), all or nothing (for
// setiactl's simulate and backtest): the book is returned only when every
// file is valid and no store has two files.
std::expected<RuleBook, LoadErrors> load_rule_dir(const std::string& dir);

// Loads every rule file of `dir` store by store, as setiad does: a store
// whose file is broken (or that has two files) keeps the rules it had in
// `previous` (none at the first load) and is listed in `broken`; a broken
// file whose store cannot be read at all is listed in `unattributed`. The
// other stores take their files. Fails only when the dir cannot be listed.
std::expected<RuleBook, LoadErrors> load_rule_dir_by_store(const std::string& dir, const RuleBook* previous);

// Names the book's version from the texts in force, in file order (a
// file's name, or "<store>@v<n>" for a stored version, and its text), and
// sets `files` to the dir's files in force.
void name_version(RuleBook& book);

// The store a rule file declares on a top-level `store:` line, read without
// YAML so that a file that does not parse still names it; nullopt when it
// cannot be told.
std::optional<std::string> declared_store(const std::string& text);

// Loads the given files as one book (for `rules check FILE...`).
std::expected<RuleBook, LoadErrors> load_rule_files(const std::vector<std::string>& paths);

}  // namespace setia::rules
