#pragma once

#include <chrono>

#include "core/ports/dead_letter_store.h"
#include "core/scheduler/scheduler.h"

namespace setia::core {

// Dead letters older than `retention` are deleted, in every store, in
// batches of `batch` rows (one statement each) until none is left: a
// till's flood of junk is kept long enough to be read and replayed, not
// for ever. Hourly by default. `store` is used only from the scheduler's
// thread.
Job dead_letter_purge_job(DeadLetterStore& store, std::chrono::days retention,
                          std::chrono::seconds every = std::chrono::hours(1), int batch = 10'000);

// The job's name, which also names its advisory lock.
inline constexpr const char* kDeadLetterPurgeJob = "dead-letter-purge";

}  // namespace setia::core
