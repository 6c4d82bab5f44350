#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

#include "core/ports/clock.h"

namespace setia::core {

struct ThrottleOptions {
  int max_attempts_per_address = 30;        // logins and registrations from one client address...
  std::chrono::seconds address_window{60};  // ...within this
  std::size_t max_keys = 100000;            // memory bound
};

// Slows one client address: every login attempt and registration counts,
// so that one address cannot spray many accounts nor make the server hash
// all day. In memory, per process: the window is a minute, and a client
// that spreads over several daemons is bounded by each. The per-login
// failures, which guard a member's password, are kept in the database and
// shared by every daemon (Auth, LoginFailureStore). Thread-safe.
class LoginThrottle {
 public:
  LoginThrottle(ThrottleOptions options, const Clock& clock) : options_(options), clock_(clock) {}

  // Before a password is checked or hashed: seconds to wait when the
  // address reached its limit (the attempt is refused and not counted),
  // else 0 (the attempt counts).
  int admit(const std::string& address);

 private:
  using Times = std::deque<std::chrono::system_clock::time_point>;
  // Drops what left the window; the wait until one more is allowed, or 0.
  int wait_for(const std::string& address, std::chrono::system_clock::time_point now);
  void bound(std::chrono::system_clock::time_point now);

  ThrottleOptions options_;
  const Clock& clock_;
  std::mutex mu_;
  std::unordered_map<std::string, Times> addresses_;
};

}  // namespace setia::core
