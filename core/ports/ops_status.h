#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/ports/store_error.h"

namespace setia::core {

// The health of one store's pushes (the outbox, core/outbox): sent in the
// last day, waiting for their first try, failing and tried again, given up
// (dead, replayed by an operator), and the latest error of those not sent.
struct PushHealth {
  long long sent_last_day = 0, waiting = 0, failing = 0, dead = 0;
  std::optional<std::string> last_error;
};

// What the operations endpoints (health, metrics) report of the database:
// outbox rows by status, dead letters in all, and a ping; a store's push
// health for its owner. Each call is one statement. Not thread-safe: one
// per thread.
class OpsStatus {
 public:
  virtual ~OpsStatus() = default;

  virtual std::expected<std::vector<std::pair<std::string, long long>>, StoreError> outbox_backlog() = 0;
  virtual std::expected<long long, StoreError> dead_letter_total() = 0;
  virtual std::expected<void, StoreError> ping() = 0;
  virtual std::expected<PushHealth, StoreError> push_health(const std::string& store_id) = 0;
};

}  // namespace setia::core
