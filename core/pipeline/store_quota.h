#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

namespace setia::core {

struct StoreQuotaOptions {
  // Messages per second a store may have decided while another store is
  // active, after a burst of `burst`; 0 turns the quota off.
  double rate = 50;
  double burst = 500;
  // Another store counts as active when it sent a message this recently.
  std::chrono::seconds active_window{600};
  // What the throttle notice asks the POS to wait before it sends again.
  std::chrono::seconds retry_after{5};
};

// What the quota says about one message.
struct QuotaDecision {
  bool admitted = true;
  bool notify = false;             // throttled, and the store was not told in the last second
  std::uint64_t throttled_since_notice = 0;  // this store's throttled messages since its last notice
};

// One store's flood must not hold back the others. Messages reach setiad in
// the broker's order on one session and paho acknowledges them in order, so
// a store's sales queued behind another's 20,000 can only be reached by
// getting through those 20,000; the quota makes the excess cheap (no
// decoding, no database) instead of making the others wait for it. It is
// work-conserving: a store alone on this setiad (a single café, a backlog
// with no one else sending) is never throttled. Token bucket per store, on
// the delivery thread only (no lock). docs/pos-contract.md#throttling.
class StoreQuota {
 public:
  explicit StoreQuota(StoreQuotaOptions options) : options_(options) {}

  QuotaDecision admit(std::string_view store, std::chrono::steady_clock::time_point now);

  const StoreQuotaOptions& options() const { return options_; }

 private:
  struct Bucket {
    double tokens = 0;
    std::chrono::steady_clock::time_point refilled{}, noticed{};
    std::uint64_t throttled = 0;
  };
  bool another_store_active(std::string_view store, std::chrono::steady_clock::time_point now) const;
  void forget_idle(std::chrono::steady_clock::time_point now);

  StoreQuotaOptions options_;
  std::unordered_map<std::string, Bucket> buckets_;
  // The two stores seen last, most recent first: enough to tell whether any
  // store other than this one sent within the window, in O(1).
  std::string last_store_[2];
  std::chrono::steady_clock::time_point last_seen_[2]{};
  std::chrono::steady_clock::time_point swept_{};
};

// The setia.pos.throttled/1 notice, published on the store's result topic:
// how long to wait and how fast to send. It carries no event_id, so a POS
// that only matches results by event_id passes it by and republishes on its
// own timer, as the contract always asked.
std::string throttle_notice_json(std::string_view store, std::chrono::seconds retry_after, double rate,
                                 std::uint64_t throttled);

}  // namespace setia::core
