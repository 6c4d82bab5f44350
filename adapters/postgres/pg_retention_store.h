#pragma once

#include "adapters/postgres/pg_session.h"
#include "core/ports/retention_store.h"

namespace setia::adapters::postgres {

// core::RetentionStore on PostgreSQL: each purge one bounded statement,
// the oldest rows first. Works on a session it is given (the scheduler's).
class PgRetentionStore final : public core::RetentionStore {
 public:
  explicit PgRetentionStore(PgSession& session) : session_(session) {}

  // core::RetentionStore
  std::expected<long long, core::StoreError> purge_notifications_before(std::int64_t before, int limit) override;
  std::expected<long long, core::StoreError> purge_login_failures_before(std::int64_t before, int limit) override;
  std::expected<long long, core::StoreError> purge_tokens_expired_before(std::int64_t before, int limit) override;

 private:
  std::expected<long long, core::StoreError> count(const std::string& statement, std::int64_t before, int limit);
  PgSession& session_;
};

}  // namespace setia::adapters::postgres
