#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>

#include "core/ports/store_error.h"

namespace setia::core {

struct NewRecoveryCode {
  std::string store_id;
  long long member_id = 0;
  std::string digest;   // TokenMinter::digest of the code; the code itself is never stored
  std::string purpose;  // recovery | claim
  std::string issued_by;
  std::int64_t expires_at = 0;  // unix seconds
};

// The one-time codes with which a member sets a password
// (migrations/0018_recovery_refresh.sql). Each call is one committed
// transaction. Not thread-safe: one per thread.
class RecoveryStore {
 public:
  virtual ~RecoveryStore() = default;
  virtual std::expected<void, StoreError> insert_code(const NewRecoveryCode& code) = 0;
  // How many codes were issued for the member since `since` (unix seconds).
  virtual std::expected<int, StoreError> codes_since(const std::string& store_id, long long member_id,
                                                     std::int64_t since) = 0;
  // The member of `store_id` whose phone (digits and '+') is `phone` and
  // whose unused, unexpired code has this digest; the code is used from
  // then on. None when there is no such code.
  virtual std::expected<std::optional<long long>, StoreError> take_code(const std::string& store_id,
                                                                        const std::string& phone,
                                                                        const std::string& digest,
                                                                        std::int64_t now) = 0;
};

}  // namespace setia::core
