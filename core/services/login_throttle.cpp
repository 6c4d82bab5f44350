#include "core/services/login_throttle.h"

#include <algorithm>

namespace setia::core {

int LoginThrottle::wait_for(const std::string& address, std::chrono::system_clock::time_point now) {
  auto it = addresses_.find(address);
  if (it == addresses_.end()) return 0;
  auto& times = it->second;
  while (!times.empty() && times.front() <= now - options_.address_window) times.pop_front();
  if (times.empty()) {
    addresses_.erase(it);
    return 0;
  }
  if (static_cast<int>(times.size()) < options_.max_attempts_per_address) return 0;
  // The oldest counted attempt leaves the window at front + window.
  auto left = std::chrono::ceil<std::chrono::seconds>(times.front() + options_.address_window - now).count();
  return static_cast<int>(std::max<long long>(1, left));
}

void LoginThrottle::bound(std::chrono::system_clock::time_point now) {
  if (addresses_.size() < options_.max_keys) return;
  std::erase_if(addresses_,
                [&](const auto& kv) { return kv.second.empty() || kv.second.back() <= now - options_.address_window; });
  // Still full of live keys (a flood of addresses): forget them rather than
  // grow without bound.
  if (addresses_.size() >= options_.max_keys) addresses_.clear();
}

int LoginThrottle::admit(const std::string& address) {
  std::lock_guard lock(mu_);
  auto now = clock_.now();
  if (int wait = wait_for(address, now); wait > 0) return wait;
  bound(now);
  addresses_[address].push_back(now);
  return 0;
}

}  // namespace setia::core
