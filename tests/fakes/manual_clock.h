#pragma once

// The tests' clock: a core::Clock that says what the test set, for the
// unit tests (the services, the scheduler, the pipeline, the REST unit
// tests) and the integration tests that move time (expiry, birthdays).
#include <chrono>
#include <cstdint>

#include "core/ports/clock.h"

namespace setia::test {

class ManualClock final : public core::Clock {
 public:
  using time_point = std::chrono::system_clock::time_point;

  ManualClock() = default;  // the Unix epoch
  explicit ManualClock(time_point t) : t_(t) {}
  explicit ManualClock(std::int64_t unix_seconds) : t_(std::chrono::seconds(unix_seconds)) {}

  time_point now() const override { return t_; }
  void set(time_point t) { t_ = t; }
  void set(std::int64_t unix_seconds) { t_ = time_point(std::chrono::seconds(unix_seconds)); }
  void advance(std::chrono::system_clock::duration d) { t_ += d; }

 private:
  time_point t_{};
};

}  // namespace setia::test
