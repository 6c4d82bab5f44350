#pragma once

#include "adapters/postgres/pg_session.h"
#include "core/ports/recovery_store.h"

namespace setia::adapters::postgres {

// core::RecoveryStore on PostgreSQL (recovery_codes,
// migrations/0018_recovery_refresh.sql). Works on a session it is given.
class PgRecoveryStore final : public core::RecoveryStore {
 public:
  explicit PgRecoveryStore(PgSession& session) : session_(session) {}

  std::expected<void, core::StoreError> insert_code(const core::NewRecoveryCode& code) override;
  std::expected<int, core::StoreError> codes_since(const std::string& store_id, long long member_id,
                                                   std::int64_t since) override;
  std::expected<std::optional<long long>, core::StoreError> take_code(const std::string& store_id,
                                                                      const std::string& phone,
                                                                      const std::string& digest,
                                                                      std::int64_t now) override;

 private:
  PgSession& session_;
};

}  // namespace setia::adapters::postgres
