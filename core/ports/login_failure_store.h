#pragma once

#include <cstdint>
#include <expected>
#include <string>

#include "core/ports/store_error.h"

namespace setia::core {

// Wrong passwords for one login within a window (Auth's limits): from every
// address, and from the one asking.
struct LoginFailures {
  int count = 0;
  std::int64_t oldest = 0;  // unix seconds of the oldest counted, when count > 0
  std::int64_t latest = 0;  // of the newest, when count > 0
  int from_address = 0;
  std::int64_t latest_from_address = 0;  // when from_address > 0
};

// The failed logins of an account (Auth's key: the login and the store),
// kept in the database so that every daemon counts them, each under the
// store it was tried in: the login's, "*" when it named none, the member's
// for a password change. Each call is one committed transaction. Not
// thread-safe: one per thread.
class LoginFailureStore {
 public:
  virtual ~LoginFailureStore() = default;

  // Those of `account` at or after `since` (unix seconds).
  virtual std::expected<LoginFailures, StoreError> login_failures(const std::string& store_id,
                                                                  const std::string& account,
                                                                  const std::string& address, std::int64_t since) = 0;
  // Recording one forgets the store's failures (every account's) before
  // `forget_before`.
  virtual std::expected<void, StoreError> add_login_failure(const std::string& store_id, const std::string& account,
                                                            const std::string& address, std::int64_t at,
                                                            std::int64_t forget_before) = 0;
  // After a good password from `address`: that address's failures (the
  // others' still count).
  virtual std::expected<void, StoreError> clear_login_failures(const std::string& store_id, const std::string& account,
                                                               const std::string& address) = 0;
};

}  // namespace setia::core
