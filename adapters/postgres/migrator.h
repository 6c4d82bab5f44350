#pragma once

#include <expected>
#include <optional>
#include <string>
#include <vector>

namespace setia::adapters::postgres {

// The schema version this build needs (the number of embedded migrations).
int required_schema_version();

// Applies the embedded migrations that are missing, each in its own
// transaction, under an advisory lock so that two operators (or daemons)
// cannot migrate at once. Returns the versions applied, or a message.
// `up_to`: none past that version (a test's database as an older release
// left it); every one by default.
std::expected<std::vector<int>, std::string> migrate(const std::string& conninfo,
                                                     std::optional<int> up_to = std::nullopt);

// The schema version in the database (0 before any migration).
std::expected<int, std::string> schema_version(const std::string& conninfo);

}  // namespace setia::adapters::postgres
