// PostgreSQL unreachable while sales arrive: setiad keeps each message
// unacknowledged and retries until it commits; nothing is lost or doubled.
#include <thread>

#include <gtest/gtest.h>

#include "adapters/pos/pos_client.h"
#include "harness.h"

namespace setia::it {
namespace {

using nlohmann::json;

TEST(Outage, SalesDuringADatabaseOutageAreAppliedOnceWhenItReturns) {
  TcpProxy proxy(conninfo_port(pg_conninfo()));
  std::string conninfo = pg_conninfo();
  auto p = conninfo.find("port=");
  conninfo.replace(p, conninfo.find(' ', p) - p, "port=" + std::to_string(proxy.port()));
  Daemon d({.conninfo = conninfo});
  migrate(d);
  d.start();
  auto store = unique("toko");
  auto code = add_member(d, store, "Dewi", "081277777777");

  adapters::pos::PosOptions o;
  o.mqtt = d.mqtt_config(unique("pos"));
  o.result_timeout = std::chrono::seconds(2);
  o.deadline = std::chrono::seconds(90);
  adapters::pos::PosClient pos(o);
  ASSERT_TRUE(pos.connect());
  std::vector<adapters::pos::PosEvent> before, during;
  for (int i = 0; i < 3; ++i) {
    auto s = sale(store, "pre-" + std::to_string(i), "P-" + std::to_string(i), 1, 10000, code);
    before.push_back({store, s["event_id"], "sale", s.dump()});
  }
  for (int i = 0; i < 10; ++i) {
    auto s = sale(store, "out-" + std::to_string(i), "O-" + std::to_string(i), 2, 10000, code);
    during.push_back({store, s["event_id"], "sale", s.dump()});
  }
  EXPECT_EQ(pos.send(before).applied, 3u);

  proxy.cut();
  auto mark = d.log().size();
  adapters::pos::PosSummary summary;
  std::thread sender([&] { summary = pos.send(during); });
  ASSERT_TRUE(d.wait_for_log("store unavailable", std::chrono::seconds(20), mark)) << d.log();
  std::this_thread::sleep_for(std::chrono::seconds(4));  // past the POS's result timeout: it republishes
  proxy.restore();
  sender.join();

  EXPECT_EQ(summary.unanswered, 0u);
  EXPECT_EQ(summary.rejected, 0u);
  EXPECT_EQ(summary.applied + summary.duplicate, 10u);
  EXPECT_GT(summary.republished, 0u);
  auto sql = db();
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM events WHERE store_id = '" + store + "'"), 13);
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM points_ledger WHERE store_id = '" + store + "'"), 13);
  EXPECT_EQ(scalar(*sql, "SELECT points FROM members WHERE code = '" + code + "'"), 3 * 10 + 10 * 20);
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM dead_letters WHERE store_id = '" + store + "'"), 0);
}

}  // namespace
}  // namespace setia::it
