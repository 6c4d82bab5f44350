#pragma once

// Sales for the rules' tests and the fuzz target (no test framework here,
// so both can use it).

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/domain/sale.h"

namespace setia::test {

inline domain::SaleLine line(std::string category, std::int64_t qty, domain::Money unit_price, std::string sku = "") {
  domain::SaleLine l;
  l.sku = sku.empty() ? category + "-1" : std::move(sku);
  l.name = category;
  l.qty = qty;
  l.unit_price = unit_price;
  l.category = std::move(category);
  return l;
}

// A sale that keeps the POS contract's arithmetic, as decoded sales do:
// subtotal = sum of lines, total = subtotal - discount + service_charge + tax.
inline domain::Sale basket(std::int64_t at_unix, std::vector<domain::SaleLine> lines, domain::Money discount = 0,
                           domain::Money tax = 0, domain::Money service_charge = 0) {
  domain::Sale s;
  s.event_id = "e-1";
  s.store_id = "marikh-salatiga";
  s.receipt_no = "R-1";
  s.occurred_at_unix = at_unix;
  s.items = std::move(lines);
  for (const auto& l : s.items) s.subtotal += l.amount();
  s.discount = discount;
  s.tax = tax;
  s.service_charge = service_charge;
  s.total = s.subtotal - discount + service_charge + tax;
  return s;
}

}  // namespace setia::test
