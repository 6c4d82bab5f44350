#pragma once

#include <optional>
#include <string>

#include "core/domain/money.h"

namespace setia::domain {

// A refund as the POS reported it (setia.pos.refund/1), validated.
struct Refund {
  std::string event_id;
  std::string store_id;
  std::string receipt_no;  // the sale it refers to
  std::string occurred_at;
  Money amount = 0;
  std::optional<std::string> reason;
};

// A POS question before it charges (setia.pos.lookup/1). Changes nothing.
struct Lookup {
  std::string store_id;
  std::optional<std::string> member;
  std::optional<std::string> voucher;
  std::string basket_json;                // {subtotal, items}: what a voucher is checked against
  std::optional<std::string> reply_to;    // MQTT v3.1.1 POS: where to answer
};

}  // namespace setia::domain
