#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "core/domain/money.h"
#include "core/domain/rejection.h"
#include "core/domain/sale.h"

namespace setia::rules {

// What a till may claim of a sale: the rule file's `sales` section
// (docs/rules.md). A till is trusted with its store's books, not with any
// date or amount: a sale dated 2099 would earn points that never expire, a
// backdated one could redeem a voucher that has expired, and a mistyped
// total of Rp 10^15 would earn points without end. Beyond these bounds the
// sale is a dead letter with its reason, and nothing of it is applied.
struct SaleLimits {
  // occurred_at at most this far ahead of setiad's clock: tills' clocks
  // drift, by minutes, not days.
  int future_minutes = 5;
  // ... and at most this far back: how long a till may stay offline and
  // still send what it sold.
  int past_days = 7;
  // The largest total one sale may have (Rp 100.000.000).
  domain::Money max_total = 100'000'000;
};

// The reason and the words for a sale beyond `limits` at `now`, or none.
std::optional<domain::Rejection> check_sale_limits(const SaleLimits& limits, const domain::Sale& sale,
                                                   std::chrono::system_clock::time_point now);

}  // namespace setia::rules
