#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace setia::domain {

// Why an inbound message was refused. The wire names (reason_code) are part
// of the POS contract (docs/pos-contract.md): add, never rename.
enum class Reason {
  too_large,
  not_json,
  not_an_object,
  unknown_schema,
  missing_field,
  invalid_field,
  invalid_arithmetic,
  store_mismatch,
  invalid_topic,
  receipt_conflict,
  unprocessable,        // valid by the contract, refused by the database for good
  foreign_reply_topic,  // the answer was asked for outside the message's own store
  rules_unavailable,    // the store's rule file is broken and none of it was loaded
  occurred_at_out_of_window,  // dated beyond the store's sales.future_minutes / past_days
  total_over_limit,           // a total above the store's sales.max_total
  store_disabled,             // the operator disabled the store (setiactl store disable)
};

constexpr std::string_view reason_code(Reason r) {
  switch (r) {
    case Reason::too_large: return "too_large";
    case Reason::not_json: return "not_json";
    case Reason::not_an_object: return "not_an_object";
    case Reason::unknown_schema: return "unknown_schema";
    case Reason::missing_field: return "missing_field";
    case Reason::invalid_field: return "invalid_field";
    case Reason::invalid_arithmetic: return "invalid_arithmetic";
    case Reason::store_mismatch: return "store_mismatch";
    case Reason::invalid_topic: return "invalid_topic";
    case Reason::receipt_conflict: return "receipt_conflict";
    case Reason::unprocessable: return "unprocessable";
    case Reason::foreign_reply_topic: return "foreign_reply_topic";
    case Reason::rules_unavailable: return "rules_unavailable";
    case Reason::occurred_at_out_of_window: return "occurred_at_out_of_window";
    case Reason::total_over_limit: return "total_over_limit";
    case Reason::store_disabled: return "store_disabled";
  }
  return "unprocessable";
}

// A refusal with what was wrong, where, and what was expected (detail), and
// the event id when it could be read, so that the POS still gets a result.
struct Rejection {
  Reason reason;
  std::string detail;
  std::optional<std::string> event_id;
};

}  // namespace setia::domain
