#pragma once

#include <expected>
#include <optional>
#include <string>
#include <vector>

#include "core/domain/rejection.h"
#include "core/domain/sale.h"

namespace setia::core {

// Why the store could not answer: `transient` (connection lost, server
// shutting down, serialization failure: try again, the event is not
// committed) or `permanent` (this event can never be stored as it is).
struct StoreError {
  enum class Kind { transient, permanent };
  Kind kind;
  std::string message;
};

// A validated sale and what the rules decided for it.
struct SaleCommand {
  const domain::Sale& sale;
  std::string_view raw_payload;
  std::string_view topic;
  domain::Points points = 0;
  std::string ruleset_version;
  std::vector<std::string> rule_ids;
  std::optional<int> expiry_after_days;
};

// A message refused before it reached the store's rules. `store` and
// `event_id` are known when they could be read; with an event id the event
// is claimed, so that a duplicate gets the same rejection.
struct RejectCommand {
  std::optional<std::string> store;
  std::string_view topic;
  std::string_view raw_payload;
  const domain::Rejection& rejection;
};

// What the store decided, committed. `result_json` is setia.pos.result/1
// (empty when the message had no readable event id).
struct StoredOutcome {
  std::string result_json;
  bool duplicate = false;  // the event had been decided before
  bool rejected = false;
  std::string reason;      // when rejected
  std::string detail;
};

// The CRM state. Each call is one committed transaction: nothing it did is
// visible unless it returned a value.
class Store {
 public:
  virtual ~Store() = default;
  virtual std::expected<StoredOutcome, StoreError> apply_sale(const SaleCommand& cmd) = 0;
  virtual std::expected<StoredOutcome, StoreError> reject(const RejectCommand& cmd) = 0;
};

}  // namespace setia::core
