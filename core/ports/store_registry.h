#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <vector>

#include "core/ports/store_error.h"

namespace setia::core {

// The stores an operator provisioned (setiactl store add) and the ones
// disabled (setiactl store disable). Times are unix seconds. Each call is
// one statement. Not thread-safe: one per thread.

struct StoreRecord {
  std::string store_id;
  std::int64_t created_at = 0;
  std::optional<std::int64_t> disabled_at;
  std::string disabled_reason;  // empty unless disabled
};

class StoreRegistry {
 public:
  virtual ~StoreRegistry() = default;

  // Every provisioned store, by id.
  virtual std::expected<std::vector<StoreRecord>, StoreError> stores() = 0;
  // Only the disabled ones: what every setiad reads every few seconds.
  virtual std::expected<std::vector<StoreRecord>, StoreError> disabled_stores() = 0;
  // False when the store was provisioned already.
  virtual std::expected<bool, StoreError> add(const std::string& store_id) = 0;
  // Disables (with a reason) or, `reason` none, enables the store; a store
  // never provisioned is recorded as it is disabled. False when it was
  // already in that state.
  virtual std::expected<bool, StoreError> set_disabled(const std::string& store_id,
                                                       const std::optional<std::string>& reason) = 0;
  // Ends every admin token of the store (not the all-stores ones, not the
  // members'); how many.
  virtual std::expected<long long, StoreError> revoke_admin_tokens(const std::string& store_id) = 0;
};

}  // namespace setia::core
