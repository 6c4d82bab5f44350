#pragma once

#include "adapters/postgres/pg_session.h"
#include "core/ports/report_rollup_store.h"

namespace setia::adapters::postgres {

// core::ReportRollupStore on PostgreSQL: the functions of migration 0025,
// each call in a transaction of its own. Works on a session it is given
// (the scheduler's).
class PgReportRollupStore final : public core::ReportRollupStore {
 public:
  explicit PgReportRollupStore(PgSession& session) : session_(session) {}

  // core::ReportRollupStore
  std::expected<std::vector<std::string>, core::StoreError> stores() override;
  std::expected<int, core::StoreError> roll_store(const std::string& store, const std::string& timezone) override;
  std::expected<int, core::StoreError> roll_late() override;

 private:
  PgSession& session_;
};

}  // namespace setia::adapters::postgres
