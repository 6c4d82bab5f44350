// Notifications end to end: a member's sale writes a notification in its
// transaction; setiad's outbox dispatcher delivers it through the FCM
// adapter to the fake FCM over HTTPS. Killed with SIGKILL mid-delivery,
// nothing is lost, and what is resent carries the same collapse key.
#include <set>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "adapters/pos/pos_client.h"
#include "fake_fcm_process.h"
#include "harness.h"

namespace setia::it {
namespace {

using adapters::fcm::FakeFcm;
using nlohmann::json;

std::string fcm_yaml(const FakeFcm& fake) {
  auto o = fake.options();
  return "fcm:\n  project_id: " + o.project_id + "\n  service_account_file: " + o.service_account_file +
         "\n  endpoint: " + o.endpoint + "\n  token_uri: " + o.token_uri + "\n  ca_file: " + o.ca_file +
         "\noutbox:\n  workers: 2\n  lease_s: 5\n  backoff_base_s: 1\n  timeout_ms: 3000\n";
}

std::vector<adapters::pos::PosEvent> sales_for(const std::string& store, const std::vector<std::string>& members, int n,
                                               const std::string& tag) {
  std::vector<adapters::pos::PosEvent> out;
  for (int i = 0; i < n; ++i) {
    auto id = tag + "-" + std::to_string(i);
    auto s = sale(store, id, "R-" + id, 1, 10000 + 1000 * (i % 5), members[i % members.size()]);
    out.push_back({store, id, "sale", s.dump()});
  }
  return out;
}

long long outbox_sent(soci::session& sql, const std::string& store) {
  return scalar(sql,
                "SELECT count(*) FROM outbox o JOIN notifications n ON n.id = o.notification_id "
                "WHERE n.store_id = '" +
                    store + "' AND o.status = 'sent'");
}

TEST(Notifications, AMembersSaleIsPushedToTheirDevice) {
  FakeFcm fake;
  Daemon d({.extra_yaml = fcm_yaml(fake)});
  migrate(d);
  d.start();
  auto store = unique("toko");
  auto code = add_member(d, store, "Ocha", "081244440001");
  // Its own token: a token another member holds (an earlier run's) is not moved.
  const auto device = unique("dev-ocha");
  auto added = run({SETIACTL_PATH, "--config", d.config_path(), "device", "add", "--member", code, "--token", device});
  ASSERT_EQ(added.exit_code, 0) << added.err;

  adapters::pos::PosOptions o;
  o.mqtt = d.mqtt_config(unique("pos"));
  adapters::pos::PosClient pos(o);
  ASSERT_TRUE(pos.connect());
  ASSERT_EQ(pos.send(sales_for(store, {code}, 1, "push")).applied, 1u);

  json got;
  for (int i = 0; i < 200 && got.empty(); ++i) {
    for (const auto& m : fake.messages()) {
      if (m.dump().find(device) != std::string::npos) got = m;
    }
    if (got.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_FALSE(got.empty()) << d.log();
  const std::string text = got.dump();
  EXPECT_NE(text.find("+10 poin dari nota R-push-0"), std::string::npos) << text;
  EXPECT_NE(text.find("\"balance\":\"10\""), std::string::npos) << text;
  auto sql = db();
  EXPECT_EQ(outbox_sent(*sql, store), 1);
}

// What operators do with deliveries, through setiactl and the outbox port:
// list them by status, send a dead one again, remove a device (its pending
// deliveries end with it). The rows are written here; no daemon runs.
TEST(Notifications, OperatorsListReplayAndRemoveDeliveries) {
  Daemon d({});
  migrate(d);
  auto store = unique("toko");
  auto code = add_member(d, store, "Ocha", "081244440009");
  const std::string token = store + "-dev";
  auto added = run({SETIACTL_PATH, "--config", d.config_path(), "device", "add", "--member", code, "--token", token});
  ASSERT_EQ(added.exit_code, 0) << added.err;
  auto sql = db();
  *sql << "INSERT INTO notifications (store_id, kind, data) VALUES ('" + store + "', 'sale_points', '{}')";
  *sql << "INSERT INTO outbox (store_id, notification_id, device_token, status, attempts, last_error) "
          "SELECT store_id, id, '" +
              token +
              "', s, a, e FROM notifications, (VALUES ('dead', 5, 'FCM 500'), ('pending', 0, NULL), ('sent', 1, NULL)) "
              "v(s, a, e) WHERE store_id = '" +
              store + "'";
  auto ours = [&](const std::string& status) {
    std::vector<std::string> argv = {SETIACTL_PATH, "--config", d.config_path(), "outbox", "list", "--limit", "1000"};
    if (!status.empty()) argv.insert(argv.end(), {"--status", status});
    auto r = run(argv);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::vector<json> rows;
    std::istringstream lines(r.out);
    for (std::string line; std::getline(lines, line);) {
      auto j = json::parse(line);
      if (j["store"] == store) rows.push_back(j);
    }
    return rows;
  };
  EXPECT_EQ(ours("").size(), 3u);
  auto dead = ours("dead");
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0]["attempts"], 5);
  EXPECT_EQ(dead[0]["last_error"], "FCM 500");
  EXPECT_EQ(dead[0]["device_token"], token);
  EXPECT_TRUE(dead[0]["sent_at"].is_null());
  EXPECT_TRUE(ours("sent")[0]["sent_at"].is_null()) << "written without sent_at above";
  const std::string id = std::to_string(dead[0]["id"].get<long long>());

  auto replayed = run({SETIACTL_PATH, "--config", d.config_path(), "outbox", "replay", id});
  ASSERT_EQ(replayed.exit_code, 0) << replayed.err;
  EXPECT_EQ(scalar(*sql, "SELECT attempts FROM outbox WHERE id = " + id + " AND status = 'pending'"), 0);
  auto again = run({SETIACTL_PATH, "--config", d.config_path(), "outbox", "replay", id});
  EXPECT_EQ(again.exit_code, 1) << "only a dead delivery is replayed";
  EXPECT_NE(again.err.find("no dead outbox row " + id), std::string::npos) << again.err;

  auto removed = run({SETIACTL_PATH, "--config", d.config_path(), "device", "remove", "--token", token});
  ASSERT_EQ(removed.exit_code, 0) << removed.err;
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM devices WHERE token = '" + token + "'"), 0);
  EXPECT_EQ(ours("pending").size(), 0u) << "the removed device's deliveries end";
  EXPECT_EQ(ours("dead").size(), 2u);
  auto unknown =
      run({SETIACTL_PATH, "--config", d.config_path(), "device", "add", "--member", "NOPE-00000000", "--token", token});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("no member with code NOPE-00000000"), std::string::npos) << unknown.err;
}

TEST(Notifications, KilledDuringDeliveryEveryPushArrivesAndResendsKeepTheirCollapseKey) {
  constexpr int kSales = 500;
  FakeFcm fake;
  Daemon d({.extra_yaml = fcm_yaml(fake)});
  migrate(d);
  auto store = unique("toko");
  std::vector<std::string> members;
  for (int m = 0; m < 10; ++m) {
    members.push_back(add_member(d, store, "M" + std::to_string(m), "0812555" + std::to_string(10000 + m)));
    ASSERT_EQ(run({SETIACTL_PATH, "--config", d.config_path(), "device", "add", "--member", members.back(), "--token",
                   store + "-dev-" + std::to_string(m)})
                  .exit_code,
              0);
  }
  // A slow FCM (30 ms a send, 2 workers: 7.5 s for all) keeps delivery
  // behind the sales, so that the kill below lands in the middle of it;
  // a fast one finishes with the last sale on a quick machine.
  fake.inject(json(kSales, json{{"hang_seconds", 0.03}}));
  d.start();
  adapters::pos::PosOptions o;
  o.mqtt = d.mqtt_config(unique("pos"));
  adapters::pos::PosClient pos(o);
  ASSERT_TRUE(pos.connect());
  ASSERT_EQ(pos.send(sales_for(store, members, kSales, "bulk")).applied, static_cast<std::size_t>(kSales));

  // Kill it while the dispatcher is busy delivering.
  auto sql = db();
  for (int i = 0; i < 600 && outbox_sent(*sql, store) < 50; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  d.signal(SIGKILL);
  d.wait_exit();
  long long sent_at_kill = outbox_sent(*sql, store);
  EXPECT_LT(sent_at_kill, kSales) << "the kill came after delivery ended";
  d.start();
  for (int i = 0; i < 1500 && outbox_sent(*sql, store) < kSales; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(outbox_sent(*sql, store), kSales) << d.log();

  // The fake saw every notification; the ones seen twice were in flight at
  // the kill (leased, sent, not yet marked) and kept their collapse key.
  // Only this test's devices count: the daemon also sends whatever else is
  // pending in the shared test database (other tests' rows, admin alerts).
  std::map<std::string, int> seen;
  for (const auto& m : fake.messages()) {
    auto key = m.dump();
    if (key.find("\"token\":\"" + store + "-dev-") == std::string::npos) continue;
    auto at = key.find("\"collapse_key\":\"");
    if (at == std::string::npos) continue;
    auto end = key.find('"', at + 16);
    ++seen[key.substr(at + 16, end - at - 16)];
  }
  int twice = 0;
  for (const auto& [k, n] : seen) twice += n - 1;
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(kSales));
  EXPECT_LE(twice, 2 * 20) << "at most the rows two workers had leased at the kill";
  std::cout << "[ notify   ] killed after " << sent_at_kill << " of " << kSales << " deliveries; the fake saw " << twice
            << " twice (same collapse key)\n";
}

// A POS event the store's rules refuse becomes a dead letter; the alert job
// (at each daemon start, then every minute) tells the store's admins through
// their FCM topic, once.
TEST(Notifications, RejectedPosEventsReachTheStoresAdminsThroughTheirTopic) {
  FakeFcm fake;
  // debug: the job's run with nothing to do is logged only at that level.
  Daemon d({.extra_yaml = fcm_yaml(fake) + "log:\n  level: debug\n"});
  migrate(d);
  d.start();
  // The job's first run at start must be over before the bad events come:
  // on a slow machine (sanitizers, -j2) it saw the first of them and sent
  // its alert alone, and the hourly limit then held back the one this test
  // waits for.
  ASSERT_TRUE(d.wait_for_log("job dead-letter-alerts: ", std::chrono::seconds(60))) << d.log();
  const auto store = unique("toko");
  const std::string prefix = d.options().topic_prefix;
  Probe probe({prefix + "/" + store + "/deadletter"});
  json bad = sale(store, "bad-math", "B-1", 2, 1000);
  bad["total"] = 1999;
  probe.publish(prefix + "/" + store + "/pos/sale", bad.dump());
  probe.publish(prefix + "/" + store + "/pos/sale", "this is not json");
  ASSERT_EQ(probe.wait("/deadletter", 2).size(), 2u);
  // A restart runs the job at once (a minute's wait otherwise).
  d.signal(SIGTERM);
  ASSERT_EQ(d.wait_exit(), 0);
  d.start();

  const std::string topic = "setia-admins-" + store;
  std::vector<json> got;
  for (int i = 0; i < 200 && got.empty(); ++i) {
    for (const auto& m : fake.messages()) {
      if (m.value("topic", "") == topic) got.push_back(m);
    }
    if (got.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(got.size(), 1u) << d.log();
  EXPECT_FALSE(got[0].contains("token"));
  EXPECT_EQ(got[0]["data"]["kind"], "dead_letters");
  EXPECT_EQ(got[0]["data"]["count"], "2");
  EXPECT_NE(got[0].dump().find("2 transaksi dari POS ditolak"), std::string::npos) << got[0].dump();
}

}  // namespace
}  // namespace setia::it
