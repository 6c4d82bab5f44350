#include "rules/voucher_terms.h"

#include <algorithm>
#include <limits>
#include <variant>

#include "rules/saturating.h"

namespace setia::rules {
namespace {

using domain::Money;

struct Discount {
  const domain::Sale& basket;
  Money subtotal;

  Money operator()(const domain::PercentOff& p) const {
    __extension__ using Wide = __int128;  // subtotal * percent must not overflow
    Money off = static_cast<Money>(static_cast<Wide>(subtotal) * p.percent / 100);
    return p.max_off ? std::min(off, *p.max_off) : off;
  }
  Money operator()(const domain::AmountOff& a) const { return std::min(a.amount, subtotal); }
  Money operator()(const domain::FreeItem& f) const {
    std::int64_t matching_qty = 0;
    Money cheapest = std::numeric_limits<Money>::max();
    for (const auto& line : basket.items) {
      bool hit = f.sku.empty() ? line.category == f.category : line.sku == f.sku;
      if (!hit || line.qty <= 0) continue;
      matching_qty = sat_add(matching_qty, line.qty);
      cheapest = std::min(cheapest, line.unit_price);
    }
    if (matching_qty == 0) return 0;
    return sat_mul(std::max<Money>(cheapest, 0), std::min(f.qty, matching_qty));
  }
};

}  // namespace

Money discount_for(const domain::VoucherTerms& terms, const domain::Sale& basket) {
  Money subtotal = std::max<Money>(basket.subtotal, 0);
  if (subtotal < terms.min_spend) return 0;
  Money off = std::visit(Discount{basket, subtotal}, terms.benefit);
  return std::clamp<Money>(off, 0, subtotal);
}

}  // namespace setia::rules
