#pragma once

#include <cstdint>
#include <string>

#include "rules/rule_set.h"

namespace setia::core {

// An instant as RFC 3339 with the store's UTC offset ("2020-05-31T23:30:00+07:00"),
// as the REST contract shows times. `rules` nullptr: UTC ("Z").
std::string store_time_text(std::int64_t unix_seconds, const rules::RuleSet* rules);

// The store-local date of an instant, YYYY-MM-DD.
std::string store_date_text(std::int64_t unix_seconds, const rules::RuleSet* rules);

}  // namespace setia::core
