// The per-store quota (core/pipeline/store_quota.h): a store alone is never
// held back; while another store is active, a store past its burst gets
// throttled at its rate, and is told at most once a second.
#include "core/pipeline/store_quota.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace setia::core {
namespace {

using namespace std::chrono_literals;
using Time = std::chrono::steady_clock::time_point;

const Time t0 = Time{} + 1000h;

StoreQuotaOptions options() {
  return StoreQuotaOptions{.rate = 10, .burst = 5, .active_window = 60s, .retry_after = 3s};
}

int admitted(StoreQuota& q, const std::string& store, int n, Time at) {
  int ok = 0;
  for (int i = 0; i < n; ++i) ok += q.admit(store, at).admitted ? 1 : 0;
  return ok;
}

TEST(StoreQuota, AStoreAloneIsNeverThrottled) {
  StoreQuota q(options());
  EXPECT_EQ(admitted(q, "a", 10000, t0), 10000);
}

TEST(StoreQuota, WhileAnotherStoreIsActiveAStorePastItsBurstIsThrottledAtItsRate) {
  StoreQuota q(options());
  ASSERT_TRUE(q.admit("b", t0).admitted);
  EXPECT_EQ(admitted(q, "a", 100, t0 + 1ms), 5) << "the burst, then nothing at the same instant";
  EXPECT_EQ(admitted(q, "a", 100, t0 + 1ms + 350ms), 3) << "`rate` tokens a second";
  EXPECT_EQ(admitted(q, "a", 100, t0 + 20s), 5) << "never more than the burst";
  EXPECT_TRUE(q.admit("b", t0 + 20s).admitted) << "the other store is not held back by a's flood";
  EXPECT_EQ(admitted(q, "a", 100, t0 + 1h), 100) << "b has been quiet longer than the window: a is alone";
}

TEST(StoreQuota, AStoreThatSpentItsBurstAloneIsHeldToItsRateOnceAnotherStoreComes) {
  StoreQuota q(options());
  EXPECT_EQ(admitted(q, "a", 1000, t0), 1000);
  ASSERT_TRUE(q.admit("b", t0 + 1ms).admitted);
  EXPECT_EQ(admitted(q, "a", 100, t0 + 2ms), 0);
}

TEST(StoreQuota, TheThrottledStoreIsToldAtMostOnceASecondWithWhatItMissed) {
  StoreQuota q(options());
  ASSERT_TRUE(q.admit("b", t0).admitted);
  admitted(q, "a", 5, t0);
  auto first = q.admit("a", t0);
  EXPECT_FALSE(first.admitted);
  EXPECT_TRUE(first.notify);
  EXPECT_EQ(first.throttled_since_notice, 1u);
  for (int i = 0; i < 7; ++i) EXPECT_FALSE(q.admit("a", t0 + 10ms).notify);
  auto later = q.admit("a", t0 + 1s + 10ms);
  // A second has refilled the burst: admitted, no notice.
  EXPECT_TRUE(later.admitted);
  EXPECT_EQ(admitted(q, "a", 4, t0 + 1s + 10ms), 4);
  auto again = q.admit("a", t0 + 1s + 10ms);
  EXPECT_FALSE(again.admitted);
  EXPECT_TRUE(again.notify);
  EXPECT_EQ(again.throttled_since_notice, 8u) << "the seven held back without a notice, and this one";
}

TEST(StoreQuota, RateZeroTurnsTheQuotaOff) {
  auto o = options();
  o.rate = 0;
  StoreQuota q(o);
  ASSERT_TRUE(q.admit("b", t0).admitted);
  EXPECT_EQ(admitted(q, "a", 1000, t0), 1000);
}

TEST(StoreQuota, TheNoticeSaysHowLongToWaitAndHowFastToSendAndCarriesNoEventId) {
  auto j = nlohmann::json::parse(throttle_notice_json("noisy-cafe", 5s, 50.0, 1234));
  EXPECT_EQ(j["schema"], "setia.pos.throttled/1");
  EXPECT_EQ(j["store_id"], "noisy-cafe");
  EXPECT_EQ(j["retry_after_s"], 5);
  EXPECT_EQ(j["rate_per_s"], 50);
  EXPECT_EQ(j["throttled"], 1234);
  EXPECT_FALSE(j.contains("event_id")) << "a POS that matches results by event_id passes it by";
  EXPECT_NE(j["detail"].get<std::string>().find("1234"), std::string::npos);
}

}  // namespace
}  // namespace setia::core
