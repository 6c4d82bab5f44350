#include "rules/evaluator.h"

#include <algorithm>

namespace setia::rules {

PointsDecision evaluate_points(const RuleSet& rules, const domain::Sale& sale) {
  PointsDecision d;
  for (const auto& rule : rules.points.earn) {
    domain::Money eligible = rule.basis == Basis::total ? sale.total : sale.subtotal;
    for (const auto& line : sale.items) {
      if (std::find(rule.exclude_categories.begin(), rule.exclude_categories.end(), line.category) !=
          rule.exclude_categories.end()) {
        eligible -= line.amount();
      }
    }
    eligible = std::max<domain::Money>(eligible, 0);
    domain::Points p = eligible / rule.per_amount * rule.points;
    if (p > 0) {
      d.points += p;
      d.rule_ids.push_back(rule.name);
    }
  }
  if (rules.points.max_per_sale && d.points > *rules.points.max_per_sale) {
    d.points = *rules.points.max_per_sale;
    d.capped = true;
  }
  return d;
}

}  // namespace setia::rules
