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
  PushHealth pushes{.sent_last_day = 5, .waiting = 1, .failing = 1, .dead = 0, .last_error = "UNAVAILABLE"};

  std::expected<std::vector<std::pair<std::string, long long>>, StoreError> outbox_backlog() override {
    if (down) return std::unexpected(StoreError{StoreError::Kind::transient, "connection refused"});
    return backlog;
  }
  std::expected<long long, StoreError> dead_letter_total() override {
    if (down) return std::unexpected(StoreError{StoreError::Kind::transient, "connection refused"});
    return dead_letters;
  }
  std::expected<PushHealth, StoreError> push_health(const std::string&) override {
    if (down) return std::unexpected(StoreError{StoreError::Kind::transient, "connection refused"});
    return pushes;
  }
  std::expected<void, StoreError> ping() override {
    if (down) return std::unexpected(StoreError{StoreError::Kind::transient, "connection refused"});
    return {};
  }
};

}  // namespace setia::core::fakes
