#pragma once

#include <cstdint>
#include <optional>

#include "rules/rule_set.h"

namespace setia::rules {

// When points earned at `earned_at_unix` expire under `rules`, as a UTC
// instant (unix seconds), or none when they never do. The instant is the
// first moment the points are no longer valid, computed on the store's wall
// clock in its tz database zone:
//  - after_days N: the same store-local clock time N calendar days later;
//  - end_of_month: 00:00 store-local on the first day of the next month;
//  - end_of_year:  00:00 store-local on 1 January of the next year.
std::optional<std::int64_t> expiry_instant(const RuleSet& rules, std::int64_t earned_at_unix);

}  // namespace setia::rules
