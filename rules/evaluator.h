#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/domain/sale.h"
#include "rules/rule_set.h"
#include "rules/store_time.h"

namespace setia::rules {

// What the rules give for one sale, and which rules gave it.
struct PointsDecision {
  domain::Points points = 0;
  std::vector<std::string> rule_ids;  // the earn rules that contributed, in file order
  bool capped = false;                // max_per_sale cut the sum
  // The steps, for "why did I get these points?".
  domain::Points rate_points = 0;   // sum of the matching rates
  int multiplier_percent = 100;     // the multiplier applied to them
  domain::Points bonus_points = 0;  // sum of the matching bonuses
  // When these points expire (points.expiry), none: never. Unix seconds.
  std::optional<std::int64_t> expires_at_unix;
};

// Pure: the same rules and sale always give the same decision. It reads the
// sale's occurred_at_unix, items (category, sku, qty, amounts), subtotal and
// total, and the rules' time zone data (loaded once with the rules).
//
// How earn rules combine (docs/rules.md "How the earn rules combine" says
// the same; tests/unit/rules_points_test.cpp checks it rule by rule):
//  1. A rule takes part only when its `when` holds at the sale's
//     store-local time (days, between, from/until) and for its basket
//     (category or sku with min_qty).
//  2. Rates: each matching rate rule gives
//       floor(eligible / per_amount) * points
//     where eligible = the basis amount (total or subtotal) less the amount
//     of every line that does not count (its category is excluded, or the
//     rule lists `categories` and it is not one of them), never below 0.
//     The floor is taken per rule. Matching rates are summed.
//  3. Multiplier: the largest matching multiplier (the first one in file
//     order on a tie) multiplies the rate sum, floor(sum * percent / 100).
//     Multipliers never stack and never touch bonuses.
//  4. Bonuses: the points of every matching bonus rule are added.
//  5. Cap: the total is cut to max_per_sale when set.
// rule_ids lists the rate rules that gave points, the multiplier that
// applied (when the rate sum was above 0) and the matching bonuses.
PointsDecision evaluate_points(const RuleSet& rules, const domain::Sale& sale);

// Whether `when` holds for a sale at `at` (store-local) with `sale`'s items.
bool when_matches(const When& when, const LocalDateTime& at, const domain::Sale& sale);

}  // namespace setia::rules
