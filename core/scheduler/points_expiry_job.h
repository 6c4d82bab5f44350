#pragma once

#include <chrono>

#include "core/ports/points_store.h"
#include "core/scheduler/scheduler.h"

namespace setia::core {

// Points expiry as a scheduled job: every lot due up to the run's `now`, in
// every store (core::expire_points). Every 10 minutes by default, so points
// go at most that long after they expire; a daemon that was down catches up
// on its first run. `store` is used only from the scheduler's thread.
Job points_expiry_job(PointsStore& store, std::chrono::seconds every = std::chrono::minutes(10));

// The job's name, which also names its advisory lock.
inline constexpr const char* kPointsExpiryJob = "points-expiry";

}  // namespace setia::core
