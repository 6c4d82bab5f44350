#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "core/domain/money.h"

namespace setia::domain {

// "10% off, at most Rp 20.000": a share of the basket's subtotal.
struct PercentOff {
  int percent = 0;               // 1..100
  std::optional<Money> max_off;  // the most it takes off, in rupiah
};

// "Rp 25.000 off", never more than the basket's subtotal.
struct AmountOff {
  Money amount = 0;
};

// "1 smoothie free": matched by category or by sku, exactly one of them set.
struct FreeItem {
  std::string category;
  std::string sku;
  std::int64_t qty = 1;
};

// What a voucher gives and when it may be used. One shape for every voucher
// the rules describe (a reward, a promo, the birthday gift), so that the
// core services issue and redeem them the same way whatever made them.
struct VoucherTerms {
  std::variant<PercentOff, AmountOff, FreeItem> benefit;
  Money min_spend = 0;  // the basket's subtotal must reach it
  int valid_days = 30;  // days from issue, 1..3650
  std::string title;    // empty: the title of what issued it
};

}  // namespace setia::domain
