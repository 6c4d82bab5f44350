// The crash test of the sale pipeline: 2,000 sales for 20 members through
// the POS library while setiad is killed with SIGKILL mid-stream and
// restarted. Nothing may be lost and nothing counted twice.
#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include "adapters/pos/pos_client.h"
#include "harness.h"

namespace setia::it {
namespace {

using nlohmann::json;

TEST(CrashTest, KilledMidStreamLosesNothingAndCountsNothingTwice) {
  constexpr int kMembers = 20, kSales = 2000, kKillAfter = 600;
  Daemon daemon({});
  migrate(daemon);
  daemon.start();
  const std::string store = unique("crash");

  std::vector<std::string> codes;
  for (int m = 0; m < kMembers; ++m)
    codes.push_back(add_member(daemon, store, "M" + std::to_string(m), "0813000" + std::to_string(10000 + m)));

  // The expected balances, computed here independently of setiad's rules:
  // Rp 1.000 = 1 point on the total.
  std::map<std::string, long long> expected;
  std::vector<adapters::pos::PosEvent> events;
  for (int i = 0; i < kSales; ++i) {
    long long qty = 1 + i % 3, price = 1000 * (1 + (i * 37) % 50) + 100 * (i % 7);
    const auto& code = codes[i % kMembers];
    expected[code] += qty * price / 1000;
    auto s = sale(store, "crash-" + std::to_string(i), "C-" + std::to_string(i), qty, price, code);
    events.push_back({store, s["event_id"], "sale", s.dump()});
  }

  adapters::pos::PosOptions o;
  o.mqtt = daemon.mqtt_config(unique("pos"));
  o.window = 20;
  o.result_timeout = std::chrono::seconds(2);
  o.deadline = std::chrono::seconds(180);
  adapters::pos::PosClient pos(o);
  ASSERT_TRUE(pos.connect());
  std::atomic<int> answered{0};
  std::map<std::string, int> first_results;
  adapters::pos::PosSummary summary;
  std::thread sender([&] {
    summary = pos.send(events, [&](const adapters::pos::PosResult& r) {
      ++first_results[r.event.event_id];
      ++answered;
    });
  });
  while (answered.load() < kKillAfter) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  daemon.signal(SIGKILL);
  EXPECT_EQ(daemon.wait_exit(), 128 + SIGKILL);
  int at_kill = answered.load();
  // Down for longer than the POS's result timeout: the POS republishes what
  // is in flight, so the restarted daemon sees both the broker's
  // redeliveries and the POS's republished copies.
  std::this_thread::sleep_for(std::chrono::milliseconds(3000));
  daemon.start();
  sender.join();

  // The POS side: every sale answered once, applied (a republish that
  // crossed its first result shows as a duplicate), none rejected.
  EXPECT_LT(at_kill, kSales) << "the kill came after the stream ended: not mid-stream";
  EXPECT_GT(summary.republished, 0u) << "setiad was down past the result timeout: the POS must have republished";
  EXPECT_EQ(summary.sent, static_cast<std::size_t>(kSales));
  EXPECT_EQ(summary.unanswered, 0u);
  EXPECT_EQ(summary.rejected, 0u);
  EXPECT_EQ(summary.applied + summary.duplicate, static_cast<std::size_t>(kSales));
  EXPECT_EQ(first_results.size(), static_cast<std::size_t>(kSales));
  std::cout << "[ crash    ] killed after " << at_kill << " results; applied=" << summary.applied
            << " duplicate=" << summary.duplicate << " republished=" << summary.republished << "\n";

  // The database: one event row per sale, all applied; one sale and at most
  // one earn row per event; every balance is what we computed and equals
  // the member's ledger sum.
  auto sql = db();
  const std::string in_store = " WHERE store_id = '" + store + "'";
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM events" + in_store), kSales);
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM events" + in_store + " AND status = 'applied'"), kSales);
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM sales" + in_store), kSales);
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM (SELECT event_id FROM points_ledger" + in_store +
                             " GROUP BY event_id HAVING count(*) > 1) d"),
            0);
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM points_ledger" + in_store), kSales);
  for (const auto& [code, points] : expected) {
    EXPECT_EQ(scalar(*sql, "SELECT points FROM members WHERE code = '" + code + "'"), points) << code;
    EXPECT_EQ(scalar(*sql,
                     "SELECT sum(l.points) FROM points_ledger l JOIN members m ON m.id = l.member_id "
                     "WHERE m.code = '" +
                         code + "'"),
              points)
        << code;
  }
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM dead_letters" + in_store), 0);
}

}  // namespace
}  // namespace setia::it
