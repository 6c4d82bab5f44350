#pragma once

#include <cstdint>
#include <expected>

#include "core/ports/store_error.h"

namespace setia::core {

// What the retention purge deletes (docs/privacy.md, "How long"), in every
// store, at most `limit` rows per call (one statement each, the oldest
// first), so that a purge of months never holds one long transaction.
// Each returns how many rows it deleted. Not thread-safe: one per thread.
class RetentionStore {
 public:
  virtual ~RetentionStore() = default;
  // Notifications made before `before` (unix seconds), with every delivery
  // of them (a push still pending that late would be worse than none).
  virtual std::expected<long long, StoreError> purge_notifications_before(std::int64_t before, int limit) = 0;
  // Failed logins (login_failures) recorded before `before`.
  virtual std::expected<long long, StoreError> purge_login_failures_before(std::int64_t before, int limit) = 0;
  // Bearer tokens (members', admins' sessions, API keys, admin tokens) that
  // expired before `before`.
  virtual std::expected<long long, StoreError> purge_tokens_expired_before(std::int64_t before, int limit) = 0;
};

}  // namespace setia::core
