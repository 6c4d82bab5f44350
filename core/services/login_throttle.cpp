#include "core/services/login_throttle.h"

#include <algorithm>

namespace setia::core {

int LoginThrottle::wait_for(Table& table, const std::string& key, int max, std::chrono::seconds window,
                            std::chrono::system_clock::time_point now) {
  auto it = table.find(key);
  if (it == table.end()) return 0;
  auto& times = it->second;
  while (!times.empty() && times.front() <= now - window) times.pop_front();
  if (times.empty()) {
    table.erase(it);
    return 0;
  }
  if (static_cast<int>(times.size()) < max) return 0;
  // The oldest counted attempt leaves the window at front + window.
  auto left = std::chrono::ceil<std::chrono::seconds>(times.front() + window - now).count();
  return static_cast<int>(std::max<long long>(1, left));
}

void LoginThrottle::bound(Table& table, std::chrono::seconds window, std::chrono::system_clock::time_point now) {
  if (table.size() < options_.max_keys) return;
  std::erase_if(table, [&](const auto& kv) { return kv.second.empty() || kv.second.back() <= now - window; });
  // Still full of live keys (a flood of addresses): forget them rather than
  // grow without bound. The per-account failures are kept apart, so a flood
  // of addresses does not reset them.
  if (table.size() >= options_.max_keys) table.clear();
}

int LoginThrottle::admit(const std::string& address, const std::string& account) {
  std::lock_guard lock(mu_);
  auto now = clock_.now();
  int wait = std::max(wait_for(addresses_, address, options_.max_attempts_per_address, options_.address_window, now),
                      wait_for(accounts_, account, options_.max_failures_per_account, options_.account_window, now));
  if (wait > 0) return wait;
  bound(addresses_, options_.address_window, now);
  addresses_[address].push_back(now);
  return 0;
}

void LoginThrottle::failed(const std::string& account) {
  std::lock_guard lock(mu_);
  auto now = clock_.now();
  bound(accounts_, options_.account_window, now);
  auto& times = accounts_[account];
  times.push_back(now);
  // Never more than the limit is needed to decide.
  while (static_cast<int>(times.size()) > options_.max_failures_per_account) times.pop_front();
}

void LoginThrottle::succeeded(const std::string& account) {
  std::lock_guard lock(mu_);
  accounts_.erase(account);
}

}  // namespace setia::core
