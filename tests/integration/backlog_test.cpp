// Bursts, backlogs and junk floods (docs/operations.md, "Answers under
// load"): every answer reaches the POS without it republishing anything.
// The tests count; they never time (bench/ measures the rates).
#include <sched.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include <gtest/gtest.h>

#include "adapters/pos/pos_client.h"
#include "harness.h"
#include "tests/support/junk.h"

namespace setia::it {
namespace {

using adapters::pos::PosClient;
using adapters::pos::PosEvent;
using adapters::pos::PosOptions;
using adapters::pos::PosSummary;
using nlohmann::json;

struct Sales {
  std::vector<PosEvent> events;
  std::map<std::string, long long> expected_points;  // member code -> points (Rp 1.000 = 1 point)
};

Sales make_sales(const std::string& store, const std::vector<std::string>& codes, int n) {
  Sales s;
  for (int i = 0; i < n; ++i) {
    long long qty = 1 + i % 3, price = 1000 * (1 + (i * 37) % 50) + 100 * (i % 7);
    const auto& code = codes[static_cast<std::size_t>(i) % codes.size()];
    s.expected_points[code] += qty * price / 1000;
    auto j = sale(store, "b-" + std::to_string(i), "B-" + std::to_string(i), qty, price, code);
    s.events.push_back({store, j["event_id"], "sale", j.dump()});
  }
  return s;
}

// A POS that never republishes within the test: whatever is not answered
// the first time stays unanswered and fails the test.
PosOptions patient_pos(const Daemon& d) {
  PosOptions o;
  o.mqtt = d.mqtt_config(unique("pos"));
  o.window = 0;  // everything at once
  o.result_timeout = std::chrono::minutes(10);
  o.deadline = std::chrono::seconds(240);
  return o;
}

std::vector<std::string> members(const Daemon& d, const std::string& store, int n) {
  std::vector<std::string> codes;
  for (int m = 0; m < n; ++m)
    codes.push_back(add_member(d, store, "B" + std::to_string(m), "0815000" + std::to_string(10000 + m)));
  return codes;
}

// Each sale once in the books, each member's balance the sum of its sales.
void expect_books(const std::string& store, const Sales& s) {
  auto sql = db();
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM sales WHERE store_id = '" + store + "'"),
            static_cast<long long>(s.events.size()));
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM events WHERE store_id = '" + store + "' AND status = 'applied'"),
            static_cast<long long>(s.events.size()));
  for (const auto& [code, points] : s.expected_points) {
    EXPECT_EQ(scalar(*sql, "SELECT points FROM members WHERE code = '" + code + "'"), points) << code;
    EXPECT_EQ(scalar(*sql,
                     "SELECT coalesce(sum(l.points), 0) FROM points_ledger l JOIN members m ON m.id = "
                     "l.member_id WHERE m.code = '" +
                         code + "'"),
              points)
        << code;
  }
}

void expect_all_applied_once(const PosSummary& sum, std::size_t n) {
  EXPECT_EQ(sum.sent, n);
  EXPECT_EQ(sum.applied, n) << "each answered as applied, the first time";
  EXPECT_EQ(sum.duplicate, 0u);
  EXPECT_EQ(sum.rejected, 0u);
  EXPECT_EQ(sum.unanswered, 0u);
  EXPECT_EQ(sum.republished, 0u) << "no answer may need a republish";
}

TEST(Backlog, FiveThousandSalesPublishedAtOnceAreEachAnsweredWithoutARepublish) {
  constexpr int kSales = 5000;
  Daemon daemon({});
  migrate(daemon);
  daemon.start();
  const std::string store = unique("burst");
  auto sales = make_sales(store, members(daemon, store, 10), kSales);

  PosClient pos(patient_pos(daemon));
  ASSERT_TRUE(pos.connect());
  auto sum = pos.send(sales.events);
  expect_all_applied_once(sum, kSales);
  expect_books(store, sales);
  EXPECT_FALSE(daemon.log().find("No more messages can be buffered") != std::string::npos);
}

// Each thread of a running setiad by name, with its scheduling policy
// (docs/operations.md, "Answers under load": the answers' threads are
// batch, so their wake-ups do not preempt the sale in hand).
std::multimap<std::string, int> thread_policies(int pid) {
  std::multimap<std::string, int> out;
  for (const auto& task : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task")) {
    std::ifstream comm(task.path() / "comm");
    std::string name;
    std::getline(comm, name);
    out.emplace(name, sched_getscheduler(std::stoi(task.path().filename().string())));
  }
  return out;
}

TEST(Backlog, TheAnswersThreadsAreBatchAndTheSaleThreadIsNot) {
  Daemon daemon({});
  migrate(daemon);
  daemon.start();
  auto threads = thread_policies(daemon.pid());
  ASSERT_EQ(threads.count("setia-answers"), 1u) << "the answer pump names its thread";
  ASSERT_EQ(threads.count("setia-mqtt-net"), 1u) << "libmosquitto's network thread is named";
  EXPECT_EQ(threads.find("setia-answers")->second, SCHED_BATCH);
  EXPECT_EQ(threads.find("setia-mqtt-net")->second, SCHED_BATCH);
  // paho's receive thread runs the sale callback: it keeps the default.
  ASSERT_EQ(threads.count("MQTTAsync_rcv"), 1u);
  EXPECT_EQ(threads.find("MQTTAsync_rcv")->second, SCHED_OTHER);
}

TEST(Backlog, ThreeThousandSalesQueuedWhileSetiadWasStoppedAreEachAnsweredAfterItsRestart) {
  constexpr int kSales = 3000;
  Daemon daemon({});
  migrate(daemon);
  daemon.start();  // its persistent session and subscriptions exist from now on
  const std::string store = unique("backlog");
  auto sales = make_sales(store, members(daemon, store, 10), kSales);
  daemon.signal(SIGTERM);
  ASSERT_EQ(daemon.wait_exit(), 0);

  auto o = patient_pos(daemon);
  bool restarted = false;
  o.all_published = [&] {
    // Every sale is in the broker, queued for setiad's session.
    EXPECT_EQ(scalar(*db(), "SELECT count(*) FROM sales WHERE store_id = '" + store + "'"), 0);
    daemon.start();
    restarted = true;
  };
  PosClient pos(o);
  ASSERT_TRUE(pos.connect());
  auto sum = pos.send(sales.events);
  EXPECT_TRUE(restarted);
  expect_all_applied_once(sum, kSales);
  expect_books(store, sales);
}

TEST(Backlog, FiveThousandJunkPayloadsAmongTwoHundredSalesLeaveEverySaleAnsweredAndEveryJunkADeadLetter) {
  constexpr int kSales = 200, kJunk = 5000;
  Daemon daemon({});
  migrate(daemon);
  daemon.start();
  const std::string store = unique("junk");
  const std::string topic = daemon.options().topic_prefix + "/" + store + "/pos/sale";
  Probe dead_letters({daemon.options().topic_prefix + "/" + store + "/deadletter"});
  auto sales = make_sales(store, members(daemon, store, 5), kSales);

  std::size_t flooded = 0;
  std::thread flooder([&] {
    flooded = test::flood(mqtt_uri(), unique("flood"), topic, kJunk,
                          [&](std::size_t i) { return test::junk_payload(store, "t", i); });
  });
  PosClient pos(patient_pos(daemon));
  ASSERT_TRUE(pos.connect());
  auto sum = pos.send(sales.events);
  flooder.join();
  ASSERT_EQ(flooded, static_cast<std::size_t>(kJunk));

  expect_all_applied_once(sum, kSales);
  expect_books(store, sales);
  // Every junk payload: a stored dead letter and one on the dead-letter topic.
  auto published = dead_letters.wait("/deadletter", kJunk, std::chrono::seconds(120));
  EXPECT_EQ(published.size(), static_cast<std::size_t>(kJunk));
  EXPECT_EQ(scalar(*db(), "SELECT count(*) FROM dead_letters WHERE store_id = '" + store + "'"), kJunk);
  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait_exit(), 0) << "alive after the flood, and it stops cleanly";
}

// One store floods while another sells (docs/pos-contract.md#throttling):
// the quiet store's sales are decided as they come, never throttled; the
// flooding store is throttled and told, and its POS library, waiting and
// slowing down as the notices ask, has every sale applied once in the end.
TEST(Backlog, AStoresFloodIsThrottledWhileAnotherSellsAndNothingOfEitherIsLostOrCountedTwice) {
  constexpr int kNoisy = 600, kQuiet = 40;
  Daemon daemon({.extra_yaml = "fairness:\n  store_rate: 100\n  store_burst: 50\n  retry_after_s: 1\n"});
  migrate(daemon);
  daemon.start();
  const std::string noisy = unique("noisy"), quiet = unique("quiet");
  auto noisy_sales = make_sales(noisy, members(daemon, noisy, 5), kNoisy);
  auto quiet_sales = make_sales(quiet, members(daemon, quiet, 3), kQuiet);

  // The quiet store is active before the flood starts.
  PosClient quiet_pos(patient_pos(daemon));
  ASSERT_TRUE(quiet_pos.connect());
  std::vector<PosEvent> first(quiet_sales.events.begin(), quiet_sales.events.begin() + 1);
  ASSERT_EQ(quiet_pos.send(first).applied, 1u);

  auto noisy_options = patient_pos(daemon);
  noisy_options.window = 0;  // all 600 at once
  PosClient noisy_pos(noisy_options);
  ASSERT_TRUE(noisy_pos.connect());
  PosSummary quiet_sum;
  std::thread quiet_till([&] {
    std::vector<PosEvent> rest(quiet_sales.events.begin() + 1, quiet_sales.events.end());
    auto o = patient_pos(daemon);
    o.send_rate = 20;  // a steady pace through the flood
    PosClient pos(o);
    if (pos.connect()) quiet_sum = pos.send(rest);
  });
  auto noisy_sum = noisy_pos.send(noisy_sales.events);
  quiet_till.join();

  EXPECT_EQ(quiet_sum.sent, static_cast<std::size_t>(kQuiet - 1));
  EXPECT_EQ(quiet_sum.applied, static_cast<std::size_t>(kQuiet - 1));
  EXPECT_EQ(quiet_sum.unanswered, 0u);
  EXPECT_EQ(quiet_sum.throttle_notices, 0u) << "the quiet store is never held back";
  EXPECT_EQ(quiet_sum.republished, 0u);

  EXPECT_GE(noisy_sum.throttle_notices, 1u) << "600 at once past a burst of 50 while another store sells";
  EXPECT_GE(noisy_sum.republished, 1u) << "what was throttled was sent again";
  EXPECT_EQ(noisy_sum.applied + noisy_sum.duplicate, static_cast<std::size_t>(kNoisy))
      << "each answered as applied (a duplicate when a republish crossed its first result)";
  EXPECT_EQ(noisy_sum.rejected, 0u);
  EXPECT_EQ(noisy_sum.unanswered, 0u);
  expect_books(noisy, noisy_sales);
  expect_books(quiet, quiet_sales);
  EXPECT_EQ(scalar(*db(), "SELECT count(*) FROM dead_letters WHERE store_id IN ('" + noisy + "', '" + quiet + "')"), 0)
      << "a throttled message is not a dead letter";
  EXPECT_NE(daemon.log().find("store=" + noisy + " over its quota"), std::string::npos);
}

}  // namespace
}  // namespace setia::it
