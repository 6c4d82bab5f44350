#include "rules/reservation_rules.h"

#include <algorithm>

namespace setia::rules {

std::optional<TimeWindow> hours_on(const Reservations& r, LocalDate day) {
  if (std::binary_search(r.closed.begin(), r.closed.end(), day)) return std::nullopt;
  return r.hours[static_cast<std::size_t>(weekday_of(day))];
}

}  // namespace setia::rules
