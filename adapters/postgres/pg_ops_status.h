#pragma once

#include "adapters/postgres/pg_session.h"
#include "core/ports/ops_status.h"

namespace setia::adapters::postgres {

// core::OpsStatus on PostgreSQL. Works on a session it is given (one per
// worker thread).
class PgOpsStatus final : public core::OpsStatus {
 public:
  explicit PgOpsStatus(PgSession& session) : session_(session) {}

  // core::OpsStatus
  std::expected<std::vector<std::pair<std::string, long long>>, core::StoreError> outbox_backlog() override;
  std::expected<long long, core::StoreError> dead_letter_total() override;
  std::expected<void, core::StoreError> ping() override;
  std::expected<core::PushHealth, core::StoreError> push_health(const std::string& store_id) override;

 private:
  PgSession& session_;
};

}  // namespace setia::adapters::postgres
