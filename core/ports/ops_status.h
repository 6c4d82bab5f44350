#pragma once

#include <expected>
#include <string>
#include <utility>
#include <vector>

#include "core/ports/store_error.h"

namespace setia::core {

// What the operations endpoints (health, metrics) report of the database:
// outbox rows by status, dead letters in all, and a ping. Each call is one
// statement. Not thread-safe: one per thread.
class OpsStatus {
 public:
  virtual ~OpsStatus() = default;

  virtual std::expected<std::vector<std::pair<std::string, long long>>, StoreError> outbox_backlog() = 0;
  virtual std::expected<long long, StoreError> dead_letter_total() = 0;
  virtual std::expected<void, StoreError> ping() = 0;
};

}  // namespace setia::core
