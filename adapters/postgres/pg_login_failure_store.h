#pragma once

#include "adapters/postgres/pg_session.h"
#include "core/ports/login_failure_store.h"

namespace setia::adapters::postgres {

// core::LoginFailureStore on PostgreSQL (login_failures,
// migrations/0011_login_failures.sql, its store_id 0016, its address 0020). Works on a session it is given, so that one
// worker's stores share one connection.
class PgLoginFailureStore final : public core::LoginFailureStore {
 public:
  explicit PgLoginFailureStore(PgSession& session) : session_(session) {}

  // core::LoginFailureStore
  std::expected<core::LoginFailures, core::StoreError> login_failures(const std::string& store_id,
                                                                      const std::string& account,
                                                                      const std::string& address,
                                                                      std::int64_t since) override;
  std::expected<void, core::StoreError> add_login_failure(const std::string& store_id, const std::string& account,
                                                          const std::string& address, std::int64_t at,
                                                          std::int64_t forget_before) override;
  std::expected<void, core::StoreError> clear_login_failures(const std::string& store_id, const std::string& account,
                                                             const std::string& address) override;

 private:
  PgSession& session_;
};

}  // namespace setia::adapters::postgres
