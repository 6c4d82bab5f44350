#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/domain/money.h"
#include "core/domain/voucher_terms.h"
#include "rules/civil_time.h"

namespace setia::rules {

struct RuleSet;

// One entry of the reward catalog: `cost` points buy a voucher.
struct Reward {
  std::string id;
  std::string title;
  domain::Points cost = 0;
  std::optional<std::int64_t> stock;         // vouchers to give in all; none: unlimited
  std::optional<LocalDate> available_from;   // inclusive, store-local
  std::optional<LocalDate> available_until;  // inclusive, store-local
  domain::VoucherTerms voucher;
};

// Whether `reward` can be redeemed at `at_unix`: the store-local date lies
// in its window and, when it has a stock, fewer than `stock` vouchers have
// been issued for it (`issued`, which the store counts).
// What a point is worth in rupiah, for a liability (docs/points.md, "What
// a point is worth"): the best rate among the rewards whose voucher takes
// a fixed amount off (amount / cost); 0 when none does (a percentage or a
// free item has no price of its own). A fraction, kept as one so that a
// liability is floor(points * amount / cost) with no rounding on the way.
struct PointValue {
  domain::Money amount = 0;  // the reward's rupiah...
  domain::Points cost = 1;   // ...for this many points
  std::string reward;        // which reward; empty: none has a fixed amount
};
PointValue point_value(const RuleSet& rules);
domain::Money liability(const PointValue& value, domain::Points points);

bool reward_available(const RuleSet& rules, const Reward& reward, std::int64_t at_unix, std::int64_t issued = 0);

}  // namespace setia::rules
