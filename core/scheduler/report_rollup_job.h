#pragma once

#include <chrono>

#include "core/ports/report_rollup_store.h"
#include "core/scheduler/scheduler.h"
#include "core/services/rules_source.h"

namespace setia::core {

// Rolls up each store's closed days (its rule file's zone, UTC without
// one) for the console's reports, then rolls again the days and members
// that late rows touched (migration 0025 says how). Every five minutes by
// default: a late sale or a refund of an old sale shows in a rolled day's
// figures after the next run; today is always read live. `store` is used
// only from the scheduler's thread.
Job report_rollup_job(ReportRollupStore& store, RulesSource rules,
                      std::chrono::seconds every = std::chrono::minutes(5));

// The job's name, which also names its advisory lock.
inline constexpr const char* kReportRollupJob = "report-rollup";

}  // namespace setia::core
