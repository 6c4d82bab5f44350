// Refunds and POS lookups end to end over the real Mosquitto and PostgreSQL.
#include <thread>

#include <gtest/gtest.h>

#include "adapters/pos/pos_client.h"
#include "harness.h"

namespace setia::it {
namespace {

using nlohmann::json;

class RefundsAndLookups : public ::testing::Test {
 protected:
  // How long a refund waits for its sale in this fixture's daemon.
  virtual int park_timeout_s() const { return 120; }

  void SetUp() override {
    daemon_ = std::make_unique<Daemon>(
        Daemon::Options{.extra_yaml = "refunds:\n  park_timeout_s: " + std::to_string(park_timeout_s()) + "\n"});
    migrate(*daemon_);
    daemon_->start();
    store_ = unique("toko");
    member_ = add_member(*daemon_, store_, "Ocha", "081233330001");
    adapters::pos::PosOptions o;
    o.mqtt = daemon_->mqtt_config(unique("pos"));
    o.result_timeout = std::chrono::seconds(2);
    o.deadline = std::chrono::seconds(30);
    pos_ = std::make_unique<adapters::pos::PosClient>(o);
    ASSERT_TRUE(pos_->connect());
  }

  // Sends events and returns their first results (missing: unanswered).
  std::map<std::string, json> send(const std::vector<std::pair<std::string, json>>& events,
                                   adapters::pos::PosSummary* summary = nullptr) {
    std::vector<adapters::pos::PosEvent> ev;
    for (const auto& [kind, body] : events) ev.push_back({store_, body["event_id"], kind, body.dump()});
    std::map<std::string, json> out;
    auto sum =
        pos_->send(ev, [&](const adapters::pos::PosResult& r) { out[r.event.event_id] = json::parse(r.result_json); });
    if (summary) *summary = sum;
    return out;
  }

  json refund(const std::string& id, const std::string& receipt, long long amount) {
    return {{"schema", "setia.pos.refund/1"},
            {"event_id", id},
            {"store_id", store_},
            {"receipt_no", receipt},
            {"occurred_at", "2026-11-23T12:00:00+07:00"},
            {"amount", amount},
            {"reason", "item returned"}};
  }

  long long balance() {
    auto sql = db();
    return scalar(*sql, "SELECT points FROM members WHERE code = '" + member_ + "'");
  }
  long long ledger_sum() {
    auto sql = db();
    return scalar(*sql,
                  "SELECT coalesce(sum(l.points), 0) FROM points_ledger l JOIN members m ON m.id = l.member_id "
                  "WHERE m.code = '" +
                      member_ + "'");
  }

  std::unique_ptr<Daemon> daemon_;
  std::unique_ptr<adapters::pos::PosClient> pos_;
  std::string store_, member_;
};

TEST_F(RefundsAndLookups, RefundsReversePointsInProportionAndNeverExceedTheSale) {
  send({{"sale", sale(store_, "s1", "R-1", 4, 13000, member_)}});
  EXPECT_EQ(balance(), 52);
  auto r1 = send({{"refund", refund("rf1", "R-1", 13000)}})["rf1"];
  EXPECT_EQ(r1["status"], "applied");
  EXPECT_EQ(r1["refund"]["refunded_total"], 13000);
  EXPECT_EQ(r1["member"]["points_reversed"], 13);
  EXPECT_EQ(r1["member"]["balance"], 39);
  auto r2 = send({{"refund", refund("rf2", "R-1", 39000)}})["rf2"];
  EXPECT_EQ(r2["member"]["points_reversed"], 39);
  EXPECT_EQ(balance(), 0);
  auto r3 = send({{"refund", refund("rf3", "R-1", 1)}})["rf3"];
  EXPECT_EQ(r3["status"], "rejected");
  EXPECT_EQ(r3["reason"], "refund_exceeds_sale");
  // The same refund again is the same answer, and takes nothing more.
  auto again = send({{"refund", refund("rf1", "R-1", 13000)}})["rf1"];
  EXPECT_EQ(again["duplicate"], true);
  EXPECT_EQ(again["member"]["points_reversed"], 13);
  EXPECT_EQ(balance(), 0);
  EXPECT_EQ(ledger_sum(), balance());
}

TEST_F(RefundsAndLookups, PointsAlreadySpentBecomeAShortfallNotANegativeBalance) {
  send({{"sale", sale(store_, "s1", "R-1", 1, 50000, member_)}});
  // The member spends 40 of their 50 points (as a reward redemption does).
  auto sql = db();
  *sql << "WITH m AS (UPDATE members SET points = points - 40 WHERE code = :c RETURNING id, store_id) "
          "INSERT INTO points_ledger (member_id, store_id, kind, points) SELECT id, store_id, 'redeem', -40 FROM m",
      soci::use(member_);
  auto r = send({{"refund", refund("rf1", "R-1", 50000)}})["rf1"];
  EXPECT_EQ(r["member"]["points_reversed"], 10);
  EXPECT_EQ(r["member"]["shortfall"], 40);
  EXPECT_EQ(r["member"]["balance"], 0);
  EXPECT_EQ(scalar(*sql, "SELECT shortfall FROM refunds WHERE store_id = '" + store_ + "'"), 40);
  EXPECT_EQ(ledger_sum(), 0);
}

TEST_F(RefundsAndLookups, ARefundBeforeItsSaleWaitsForIt) {
  adapters::pos::PosSummary summary;
  // The refund comes first: no result yet (the POS keeps republishing) ...
  std::thread late_sale([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    Probe probe({});
    probe.publish(daemon_->options().topic_prefix + "/" + store_ + "/pos/sale",
                  sale(store_, "s1", "R-9", 2, 26000, member_).dump());
  });
  auto r = send({{"refund", refund("rf1", "R-9", 26000)}}, &summary);
  late_sale.join();
  // ... and when the sale arrives, the refund is applied and answered.
  ASSERT_TRUE(r.count("rf1")) << daemon_->log();
  EXPECT_EQ(r["rf1"]["status"], "applied");
  EXPECT_EQ(r["rf1"]["member"]["points_reversed"], 26);
  EXPECT_EQ(balance(), 26);
  EXPECT_NE(daemon_->log().find("parked until its sale arrives"), std::string::npos);
}

class ShortRefundWait : public RefundsAndLookups {
 protected:
  int park_timeout_s() const override { return 2; }
};

TEST_F(ShortRefundWait, ARefundWhoseSaleNeverComesIsRejectedAfterTheWait) {
  Probe probe({daemon_->options().topic_prefix + "/" + store_ + "/deadletter"});
  auto r = send({{"refund", refund("rf-orphan", "NO-SUCH-RECEIPT", 1000)}});
  ASSERT_TRUE(r.count("rf-orphan")) << daemon_->log();
  EXPECT_EQ(r["rf-orphan"]["status"], "rejected");
  EXPECT_EQ(r["rf-orphan"]["reason"], "refund_without_sale");
  auto dl = probe.wait("/deadletter", 1);
  ASSERT_EQ(dl.size(), 1u);
  EXPECT_EQ(json::parse(dl[0].second)["reason"], "refund_without_sale");
}

TEST_F(RefundsAndLookups, AFullyRefundedSaleGivesItsVoucherBack) {
  auto code = run({SETIACTL_PATH, "--config", daemon_->config_path(), "voucher", "issue", "--store", store_,
                   "--amount-off", "5000"})
                  .out;
  code.pop_back();
  auto s = sale(store_, "s1", "R-1", 1, 20000, member_);
  s["vouchers"] = {code};
  send({{"sale", s}});
  auto r = send({{"refund", refund("rf1", "R-1", 20000)}})["rf1"];
  ASSERT_EQ(r["vouchers"].size(), 1u);
  EXPECT_EQ(r["vouchers"][0]["code"], code);
  EXPECT_EQ(r["vouchers"][0]["reactivated"], true);
  auto shown = run({SETIACTL_PATH, "--config", daemon_->config_path(), "voucher", "show", code});
  EXPECT_EQ(json::parse(shown.out)["status"], "active");
}

TEST_F(RefundsAndLookups, LookupAnswersOnTheResponseTopicAndChangesNothing) {
  send({{"sale", sale(store_, "s1", "R-1", 1, 120000, member_)}});
  auto code = run({SETIACTL_PATH, "--config", daemon_->config_path(), "voucher", "issue", "--store", store_,
                   "--percent-off", "10", "--max-off", "20000", "--title", "Diskon 10%"})
                  .out;
  code.pop_back();
  const std::string prefix = daemon_->options().topic_prefix;
  Probe probe({prefix + "/" + store_ + "/reply/#"});
  json q = {{"schema", "setia.pos.lookup/1"},
            {"store_id", store_},
            {"member", member_},
            {"voucher", code},
            {"subtotal", 52000},
            {"items", {{{"sku", "NC-01"}, {"qty", 4}, {"unit_price", 13000}, {"category", "food"}}}}};
  auto sql = db();
  auto events_before = scalar(*sql, "SELECT count(*) FROM events WHERE store_id = '" + store_ + "'");
  probe.request(prefix + "/" + store_ + "/pos/lookup", q.dump(), prefix + "/" + store_ + "/reply/till-1", "corr-42");
  auto replies = probe.wait("/reply/till-1", 1);
  ASSERT_EQ(replies.size(), 1u);
  auto reply = json::parse(replies[0].second);
  EXPECT_EQ(reply["schema"], "setia.pos.lookup-reply/1");
  EXPECT_EQ(reply["ok"], true);
  EXPECT_EQ(reply["member"]["name"], "Ocha");
  EXPECT_EQ(reply["member"]["points"], 120);
  EXPECT_EQ(reply["voucher"]["valid"], true);
  EXPECT_EQ(reply["voucher"]["discount"], 5200);
  EXPECT_EQ(reply["voucher"]["title"], "Diskon 10%");
  EXPECT_EQ(probe.correlations("/reply/till-1"), std::vector<std::string>{"corr-42"});
  // A v3.1.1 POS names its reply topic in the body.
  q["reply_to"] = prefix + "/" + store_ + "/reply/till-2";
  q["voucher"] = "V-NOPE-NOPE-NOPE";
  probe.publish(prefix + "/" + store_ + "/pos/lookup", q.dump());
  auto r2 = probe.wait("/reply/till-2", 1);
  ASSERT_EQ(r2.size(), 1u);
  EXPECT_EQ(json::parse(r2[0].second)["voucher"]["reason"], "unknown_voucher");
  // Nothing changed.
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM events WHERE store_id = '" + store_ + "'"), events_before);
  EXPECT_EQ(
      json::parse(run({SETIACTL_PATH, "--config", daemon_->config_path(), "voucher", "show", code}).out)["status"],
      "active");
}

}  // namespace
}  // namespace setia::it
