#include "rules/rewards.h"

#include "rules/rule_set.h"
#include "rules/store_time.h"

namespace setia::rules {

bool reward_available(const RuleSet& rules, const Reward& reward, std::int64_t at_unix, std::int64_t issued) {
  LocalDate today = to_local(rules.zone, at_unix).date;
  if (reward.available_from && today < *reward.available_from) return false;
  if (reward.available_until && today > *reward.available_until) return false;
  return !reward.stock || issued < *reward.stock;
}

}  // namespace setia::rules
