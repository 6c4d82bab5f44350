#pragma once

#include <set>
#include <string>
#include "core/ports/job_lock.h"

namespace setia::core::fakes {

// An advisory lock as the database would keep it: `held_elsewhere` names
// the jobs another daemon holds.
class FakeJobLock final : public JobLock {
 public:
  std::set<std::string> held_elsewhere;
  std::set<std::string> mine;
  bool down = false;
  std::expected<bool, StoreError> try_lock(const std::string& job) override {
    if (down) return std::unexpected(StoreError{StoreError::Kind::transient, "connection refused"});
    if (held_elsewhere.contains(job) || mine.contains(job)) return false;
    mine.insert(job);
    return true;
  }
  void unlock(const std::string& job) override { mine.erase(job); }
};

}  // namespace setia::core::fakes
