#include "rules/sale_limits.h"

namespace setia::rules {

std::optional<domain::Rejection> check_sale_limits(const SaleLimits& limits, const domain::Sale& sale,
                                                   std::chrono::system_clock::time_point now) {
  using std::chrono::seconds;
  const auto now_s = std::chrono::duration_cast<seconds>(now.time_since_epoch()).count();
  const auto ahead = sale.occurred_at_unix - now_s;
  if (ahead > static_cast<std::int64_t>(limits.future_minutes) * 60) {
    return domain::Rejection{domain::Reason::occurred_at_out_of_window,
                             "occurred_at " + sale.occurred_at + " is " + std::to_string(ahead / 60) +
                                 " minute(s) ahead of setiad's clock; this store accepts at most " +
                                 std::to_string(limits.future_minutes) +
                                 " (sales.future_minutes in its rule file): check the till's clock",
                             sale.event_id};
  }
  const auto behind = now_s - sale.occurred_at_unix;
  if (behind > static_cast<std::int64_t>(limits.past_days) * 86'400) {
    return domain::Rejection{domain::Reason::occurred_at_out_of_window,
                             "occurred_at " + sale.occurred_at + " is " + std::to_string(behind / 86'400) +
                                 " day(s) in the past; this store accepts sales at most " +
                                 std::to_string(limits.past_days) + " day(s) old (sales.past_days in its rule file)",
                             sale.event_id};
  }
  if (sale.total > limits.max_total) {
    return domain::Rejection{domain::Reason::total_over_limit,
                             "total " + std::to_string(sale.total) + " is over this store's largest sale, " +
                                 std::to_string(limits.max_total) + " (sales.max_total in its rule file)",
                             sale.event_id};
  }
  return std::nullopt;
}

}  // namespace setia::rules
