#pragma once

#include <chrono>

#include "core/ports/retention_store.h"
#include "core/scheduler/scheduler.h"

namespace setia::core {

// How long each kind of record is kept at most (the `retention` section of
// the daemon config, docs/configuration.md; why: docs/privacy.md).
struct Retention {
  std::chrono::days notifications{180};
  std::chrono::days login_failures{1};
  std::chrono::days expired_tokens{1};
};

// Deletes what has outlived its retention, in every store, in batches of
// `batch` rows (one statement each) until none is left: notifications
// with their deliveries, failed logins, tokens long expired. Hourly by
// default; dead letters have their own job (dead_letter_purge_job.h).
// `store` is used only from the scheduler's thread.
Job retention_purge_job(RetentionStore& store, Retention retention, std::chrono::seconds every = std::chrono::hours(1),
                        int batch = 10'000);

// The job's name, which also names its advisory lock.
inline constexpr const char* kRetentionPurgeJob = "retention-purge";

}  // namespace setia::core
