#include "rules/promos.h"

#include "rules/rule_set.h"
#include "rules/store_time.h"

namespace setia::rules {

std::vector<const Promo*> active_promos(const RuleSet& rules, std::int64_t at_unix) {
  LocalDate today = to_local(rules.zone, at_unix).date;
  std::vector<const Promo*> out;
  for (const auto& p : rules.promos) {
    if (p.from <= today && today <= p.until) out.push_back(&p);
  }
  return out;
}

}  // namespace setia::rules
