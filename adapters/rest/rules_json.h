#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace setia::adapters::rest {

// The sections of a rule file the console edits in forms: promos, rewards,
// birthday. They travel as JSON in the rule file's own shape (the keys of
// docs/rules.md), so that what GET /v1/admin/rules gives is what a check,
// preview or save takes back.
inline constexpr const char* kFormSections[] = {"promos", "rewards", "birthday"};

// A YAML text's form sections as JSON: {"promos": [...], "rewards": [...],
// "birthday": {...} | null}; a plain scalar that reads as a whole number
// or true/false becomes one, a quoted one stays a string. Nullopt when the
// text does not parse.
std::optional<nlohmann::json> form_sections(const std::string& yaml);

// `yaml` with the sections of `sections` replaced (a section set to null,
// or an empty list, is removed; a section not named is kept as it is) and,
// when `store` is given, its `store:` set to it. Only the replaced
// top-level entries are rewritten: the rest of the text, its comments
// among it, stays as the operator wrote it. A 400 (ApiError) names a key
// of `sections` that is no form section.
std::string merge_sections(const std::string& yaml, const nlohmann::json& sections,
                           const std::optional<std::string>& store);

}  // namespace setia::adapters::rest
