#include "core/pipeline/store_quota.h"

#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

namespace setia::core {

bool StoreQuota::another_store_active(std::string_view store, std::chrono::steady_clock::time_point now) const {
  for (int i = 0; i < 2; ++i) {
    if (!last_store_[i].empty() && last_store_[i] != store && now - last_seen_[i] < options_.active_window) return true;
  }
  return false;
}

void StoreQuota::forget_idle(std::chrono::steady_clock::time_point now) {
  // A bucket idle long enough to be full again is the same as no bucket.
  const auto full_after = std::chrono::duration<double>(options_.burst / options_.rate);
  if (now - swept_ < std::chrono::seconds(60)) return;
  swept_ = now;
  std::erase_if(buckets_, [&](const auto& kv) {
    return now - kv.second.refilled > full_after && now - kv.second.noticed > std::chrono::seconds(1);
  });
}

QuotaDecision StoreQuota::admit(std::string_view store, std::chrono::steady_clock::time_point now) {
  if (options_.rate <= 0) return {};
  const bool contended = another_store_active(store, now);
  if (last_store_[0] == store) {
    last_seen_[0] = now;
  } else {
    last_store_[1] = std::move(last_store_[0]);
    last_seen_[1] = last_seen_[0];
    last_store_[0] = std::string(store);
    last_seen_[0] = now;
  }
  forget_idle(now);
  auto [it, fresh] = buckets_.try_emplace(std::string(store));
  Bucket& b = it->second;
  if (fresh) {
    b.tokens = options_.burst;
  } else {
    b.tokens =
        std::min(options_.burst, b.tokens + options_.rate * std::chrono::duration<double>(now - b.refilled).count());
  }
  b.refilled = now;
  // Alone, a store spends its tokens but is not held to them.
  if (b.tokens >= 1 || !contended) {
    b.tokens = std::max(0.0, b.tokens - 1);
    return {};
  }
  ++b.throttled;
  QuotaDecision d{.admitted = false};
  if (b.noticed == std::chrono::steady_clock::time_point{} || now - b.noticed >= std::chrono::seconds(1)) {
    d.notify = true;
    d.throttled_since_notice = b.throttled;
    b.throttled = 0;
    b.noticed = now;
  }
  return d;
}

std::string throttle_notice_json(std::string_view store, std::chrono::seconds retry_after, double rate,
                                 std::uint64_t throttled) {
  const auto per_s = static_cast<std::int64_t>(std::max(1.0, std::floor(rate)));
  return nlohmann::json{
      {"schema", "setia.pos.throttled/1"},
      {"store_id", store},
      {"retry_after_s", retry_after.count()},
      {"rate_per_s", per_s},
      {"throttled", throttled},
      {"detail", "store '" + std::string(store) + "' sent more than " + std::to_string(per_s) +
                     " messages per second while other stores were waiting: " + std::to_string(throttled) +
                     " of its messages were not decided; send each unanswered one again after " +
                     std::to_string(retry_after.count()) + " s, at most " + std::to_string(per_s) + " per second"}}
      .dump();
}

}  // namespace setia::core
