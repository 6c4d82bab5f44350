#pragma once

#include <expected>
#include <string>
#include <vector>

#include "core/ports/store_error.h"

namespace setia::core {

// The reports' rollups of closed store-local days (migration 0025): what
// the report-rollup job (core/scheduler/report_rollup_job.h) keeps and
// ReportQueries reads. Each call is one statement. Not thread-safe: one per
// thread.
class ReportRollupStore {
 public:
  virtual ~ReportRollupStore() = default;

  // The stores with sales, a stores row or a rollup.
  virtual std::expected<std::vector<std::string>, StoreError> stores() = 0;
  // Rolls `store`'s days in `timezone` (IANA) up to yesterday, all of them
  // again when its rollup is of another zone; the days rolled.
  virtual std::expected<int, StoreError> roll_store(const std::string& store, const std::string& timezone) = 0;
  // Rolls again what rows added since the run before last touch on rolled
  // days (late sales, refunds of old sales); the days rolled again.
  virtual std::expected<int, StoreError> roll_late() = 0;
};

}  // namespace setia::core
