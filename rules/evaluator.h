#pragma once

#include <string>
#include <vector>

#include "core/domain/sale.h"
#include "rules/rule_set.h"

namespace setia::rules {

// What the rules give for one sale, and which rules gave it.
struct PointsDecision {
  domain::Points points = 0;
  std::vector<std::string> rule_ids;  // the earn rules that gave points
  bool capped = false;                // max_per_sale cut the sum
};

// Pure: the same rules and sale always give the same decision.
//
// How rules combine (docs/rules.md says the same; tests/unit/evaluator_test
// checks it): each earn rule counts on its own basis (total or subtotal)
// less the amount of the lines in its excluded categories (never below
// zero), giving floor(eligible / per_amount) * points; the rules' points are
// added; the sum is capped at max_per_sale.
PointsDecision evaluate_points(const RuleSet& rules, const domain::Sale& sale);

}  // namespace setia::rules
