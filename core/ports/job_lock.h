#pragma once

#include <expected>
#include <string>

#include "core/ports/store_error.h"

namespace setia::core {

// Who runs a scheduled job now, among every daemon on one database
// (docs/points.md, The scheduler): a PostgreSQL advisory lock per job name. One per
// scheduler thread.
class JobLock {
 public:
  virtual ~JobLock() = default;
  // True when this caller holds the job's lock now; false when another does.
  virtual std::expected<bool, StoreError> try_lock(const std::string& job) = 0;
  virtual void unlock(const std::string& job) = 0;
};

}  // namespace setia::core
