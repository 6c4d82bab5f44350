#include "rules/expiry.h"

#include "rules/store_time.h"

namespace setia::rules {

std::optional<std::int64_t> expiry_instant(const RuleSet& rules, std::int64_t earned_at_unix) {
  const auto& p = rules.points;
  if (!p.expiry_after_days && !p.expiry_at) return std::nullopt;
  LocalDateTime at = to_local(rules.zone, earned_at_unix);
  if (p.expiry_after_days) {
    return to_unix(rules.zone, add_days(at.date, *p.expiry_after_days), at.minute) + at.second;
  }
  LocalDate first =
      *p.expiry_at == ExpiryAt::end_of_month
          ? (at.date.month == 12 ? LocalDate{at.date.year + 1, 1, 1} : LocalDate{at.date.year, at.date.month + 1, 1})
          : LocalDate{at.date.year + 1, 1, 1};
  return to_unix(rules.zone, first, 0);
}

}  // namespace setia::rules
