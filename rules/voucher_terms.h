#pragma once

#include "core/domain/money.h"
#include "core/domain/sale.h"
#include "core/domain/voucher_terms.h"

namespace setia::rules {

// What a voucher with `terms` takes off `basket`, in rupiah. Pure.
//  - 0 when the basket's subtotal is below min_spend;
//  - percent_off: floor(subtotal * percent / 100), at most max_off;
//  - amount_off: the amount, at most the subtotal;
//  - free_item: the unit price of the cheapest matching line (same category,
//    or same sku) times min(qty, the basket's matching quantity); 0 when no
//    line matches.
// Never negative and never more than the subtotal.
domain::Money discount_for(const domain::VoucherTerms& terms, const domain::Sale& basket);

}  // namespace setia::rules
