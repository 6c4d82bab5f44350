#include "rules/rewards.h"

#include "rules/rule_set.h"
#include "rules/store_time.h"

#include <variant>

namespace setia::rules {

PointValue point_value(const RuleSet& rules) {
  PointValue best;
  best.amount = 0;
  for (const auto& r : rules.rewards) {
    const auto* off = std::get_if<domain::AmountOff>(&r.voucher.benefit);
    if (!off || r.cost <= 0) continue;
    // a/b > c/d without division: a*d > c*b (amounts and costs are far below 2^31).
    if (best.reward.empty() || off->amount * best.cost > best.amount * r.cost) best = {off->amount, r.cost, r.id};
  }
  return best;
}

domain::Money liability(const PointValue& value, domain::Points points) {
  if (value.cost <= 0) return 0;
  return points * value.amount / value.cost;
}

bool reward_available(const RuleSet& rules, const Reward& reward, std::int64_t at_unix, std::int64_t issued) {
  LocalDate today = to_local(rules.zone, at_unix).date;
  if (reward.available_from && today < *reward.available_from) return false;
  if (reward.available_until && today > *reward.available_until) return false;
  return !reward.stock || issued < *reward.stock;
}

}  // namespace setia::rules
