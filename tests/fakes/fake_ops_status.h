#pragma once

// What /healthz and /metrics read of the database, as set: the outbox
// backlog, the dead letters in all, and whether the ping answers.

#include <string>
#include <utility>
#include <vector>

#include "core/ports/ops_status.h"

namespace setia::core::fakes {

class FakeOpsStatus final : public OpsStatus {
 public:
  std::vector<std::pair<std::string, long long>> backlog{{"pending", 3}, {"dead", 1}};
  long long dead_letters = 2;
  bool down = false;

  std::expected<std::vector<std::pair<std::string, long long>>, StoreError> outbox_backlog() override {
    if (down) return std::unexpected(StoreError{StoreError::Kind::transient, "connection refused"});
    return backlog;
  }
  std::expected<long long, StoreError> dead_letter_total() override {
    if (down) return std::unexpected(StoreError{StoreError::Kind::transient, "connection refused"});
    return dead_letters;
  }
  std::expected<void, StoreError> ping() override {
    if (down) return std::unexpected(StoreError{StoreError::Kind::transient, "connection refused"});
    return {};
  }
};

}  // namespace setia::core::fakes
