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
  int max_failures_per_account = 5;              // wrong passwords for one login...
  std::chrono::seconds account_window{15 * 60};  // ...within this
  int max_attempts_per_address = 30;             // logins from one client address...
  std::chrono::seconds address_window{60};       // ...within this
  std::size_t max_keys = 100000;                 // memory bound per table
};

// Slows password guessing: per account (failures, so that the owner who
// logs in is not locked out by successes) and per client address (every
// attempt, so that one address cannot spray many accounts). In memory, per
// process: a restart forgets it, which costs an attacker one more window.
// Thread-safe.
class LoginThrottle {
 public:
  LoginThrottle(ThrottleOptions options, const Clock& clock) : options_(options), clock_(clock) {}

  // Before a password is checked: seconds to wait when a limit is reached
  // (the attempt is refused and not counted), else 0 (the attempt counts
  // against the address).
  int admit(const std::string& address, const std::string& account);
  void failed(const std::string& account);
  void succeeded(const std::string& account);

 private:
  using Times = std::deque<std::chrono::system_clock::time_point>;
  using Table = std::unordered_map<std::string, Times>;
  // Drops what left the window; the wait until one more is allowed, or 0.
  int wait_for(Table& table, const std::string& key, int max, std::chrono::seconds window,
               std::chrono::system_clock::time_point now);
  void bound(Table& table, std::chrono::seconds window, std::chrono::system_clock::time_point now);

  ThrottleOptions options_;
  const Clock& clock_;
  std::mutex mu_;
  Table accounts_, addresses_;
};

}  // namespace setia::core
