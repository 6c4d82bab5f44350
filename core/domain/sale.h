#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/domain/money.h"

namespace setia::domain {

struct SaleLine {
  std::string sku;
  std::string name;
  std::int64_t qty = 0;
  Money unit_price = 0;
  std::string category;

  Money amount() const { return qty * unit_price; }  // checked at decode time
};

// A completed sale as the POS reported it (setia.pos.sale/1), validated:
// every invariant of the contract holds for a Sale that exists.
struct Sale {
  std::string event_id;
  std::string store_id;
  std::string receipt_no;
  std::string occurred_at;            // RFC 3339 with offset, as sent
  std::int64_t occurred_at_unix = 0;  // the same instant, seconds since epoch
  std::optional<std::string> member;  // member code; absent for a guest
  std::vector<SaleLine> items;
  Money subtotal = 0;
  Money discount = 0;
  Money service_charge = 0;
  Money tax = 0;
  Money total = 0;
  std::optional<Money> paid;
  std::optional<Money> change;
  std::vector<std::string> vouchers;
};

}  // namespace setia::domain
