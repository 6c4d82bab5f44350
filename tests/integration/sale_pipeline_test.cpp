// The sale pipeline end to end: setiad as a process, the real Mosquitto and
// PostgreSQL, the POS library on the other side.
#include <csignal>
#include <ctime>
#include <fstream>

#include <gtest/gtest.h>

#include "adapters/pos/pos_client.h"
#include "harness.h"

namespace setia::it {
namespace {

using adapters::pos::PosClient;
using adapters::pos::PosEvent;
using adapters::pos::PosOptions;
using nlohmann::json;

class SalePipeline : public ::testing::Test {
 protected:
  void SetUp() override {
    daemon_ = std::make_unique<Daemon>(Daemon::Options{});
    migrate(*daemon_);
    daemon_->start();
    store_ = unique("toko");
  }

  // Sends events through the POS library and returns each one's first result.
  std::map<std::string, json> send(const std::vector<json>& sales, adapters::pos::PosSummary* summary = nullptr) {
    PosOptions o;
    o.mqtt = daemon_->mqtt_config(unique("pos"));
    o.result_timeout = std::chrono::seconds(5);
    o.deadline = std::chrono::seconds(60);
    PosClient pos(o);
    EXPECT_TRUE(pos.connect());
    std::vector<PosEvent> events;
    for (const auto& s : sales) events.push_back({store_, s["event_id"], "sale", s.dump()});
    std::map<std::string, json> results;
    auto sum = pos.send(
        events, [&](const adapters::pos::PosResult& r) { results[r.event.event_id] = json::parse(r.result_json); });
    EXPECT_EQ(sum.unanswered, 0u);
    if (summary) *summary = sum;
    return results;
  }

  std::unique_ptr<Daemon> daemon_;
  std::string store_;
};

TEST_F(SalePipeline, PaperReceiptGives52PointsAndAResult) {
  auto code = add_member(*daemon_, store_, "Ocha", "081200000001");
  json s = sale(store_, "evt-paper", "20200505234", 4, 13000, code);
  s["paid"] = 100000;
  s["change"] = 48000;
  s["table"] = "2";
  s["service"] = "dine_in";
  auto results = send({s});
  const json& r = results["evt-paper"];
  EXPECT_EQ(r["schema"], "setia.pos.result/1");
  EXPECT_EQ(r["status"], "applied");
  EXPECT_EQ(r["duplicate"], false);
  EXPECT_EQ(r["receipt_no"], "20200505234");
  EXPECT_EQ(r["member"]["code"], code);
  EXPECT_EQ(r["member"]["points_earned"], 52);
  EXPECT_EQ(r["member"]["balance"], 52);

  auto sql = db();
  EXPECT_EQ(scalar(*sql, "SELECT points FROM members WHERE code = '" + code + "'"), 52);
  EXPECT_EQ(scalar(*sql,
                   "SELECT sum(l.points) FROM points_ledger l JOIN members m ON m.id = l.member_id "
                   "WHERE m.code = '" +
                       code + "'"),
            52);
  EXPECT_EQ(scalar(*sql, "SELECT total FROM sales WHERE store_id = '" + store_ + "'"), 52000);
  EXPECT_EQ(scalar(*sql, "SELECT paid FROM sales WHERE store_id = '" + store_ + "'"), 100000);
  EXPECT_EQ(scalar(*sql, "SELECT change FROM sales WHERE store_id = '" + store_ + "'"), 48000);
  EXPECT_EQ(
      scalar(*sql, "SELECT qty FROM sale_lines l JOIN sales s ON s.id = l.sale_id WHERE s.store_id = '" + store_ + "'"),
      4);
  // The ledger row says which rules and which rule-set version gave it.
  std::string rules, version;
  *sql << "SELECT array_to_string(rule_ids, ','), ruleset_version FROM points_ledger l JOIN members m "
          "ON m.id = l.member_id WHERE m.code = :c",
      soci::use(code), soci::into(rules), soci::into(version);
  EXPECT_EQ(rules, "base");
  EXPECT_EQ(version.size(), 16u);
  // And setiactl shows the member with the balance.
  auto shown = run({SETIACTL_PATH, "--config", daemon_->config_path(), "member", "show", code});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_EQ(json::parse(shown.out)["points"], 52);
}

TEST_F(SalePipeline, SameEventTwiceCountsOnceAndGetsTheSameResult) {
  auto code = add_member(*daemon_, store_, "Nino", "081200000002");
  json s = sale(store_, "evt-dup", "R-1", 2, 26000, code);
  auto first = send({s});
  auto second = send({s});
  EXPECT_EQ(first["evt-dup"]["duplicate"], false);
  EXPECT_EQ(second["evt-dup"]["duplicate"], true);
  json a = first["evt-dup"], b = second["evt-dup"];
  a.erase("duplicate");
  b.erase("duplicate");
  EXPECT_EQ(a, b);
  auto sql = db();
  EXPECT_EQ(scalar(*sql, "SELECT points FROM members WHERE code = '" + code + "'"), 52);
  EXPECT_EQ(scalar(*sql,
                   "SELECT count(*) FROM points_ledger l JOIN members m ON m.id = l.member_id "
                   "WHERE m.code = '" +
                       code + "'"),
            1);
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM sales WHERE store_id = '" + store_ + "'"), 1);
}

TEST_F(SalePipeline, SameReceiptWithANewEventIdIsRejectedAsAConflict) {
  Probe probe({daemon_->options().topic_prefix + "/" + store_ + "/deadletter"});
  auto code = add_member(*daemon_, store_, "Sari", "081200000003");
  send({sale(store_, "evt-a", "R-7", 1, 52000, code)});
  json conflicting = sale(store_, "evt-b", "R-7", 1, 52000, code);
  auto results = send({conflicting});
  EXPECT_EQ(results["evt-b"]["status"], "rejected");
  EXPECT_EQ(results["evt-b"]["reason"], "receipt_conflict");
  auto dl = probe.wait("/deadletter", 1);
  ASSERT_EQ(dl.size(), 1u);
  EXPECT_EQ(json::parse(dl[0].second)["reason"], "receipt_conflict");
  auto sql = db();
  EXPECT_EQ(scalar(*sql, "SELECT points FROM members WHERE code = '" + code + "'"), 52);
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM dead_letters WHERE store_id = '" + store_ +
                             "' AND reason = 'receipt_conflict'"),
            1);
  // Kept as received: the bytes setiad passed hex-encoded (to_hex) come back.
  std::string kept;
  *sql << "SELECT convert_from(payload, 'UTF8') FROM dead_letters WHERE store_id = :s AND reason = 'receipt_conflict'",
      soci::use(store_), soci::into(kept);
  EXPECT_EQ(kept, conflicting.dump());
}

// A store whose file sets no `sales` section has the defaults: 5 minutes
// ahead, 7 days back, Rp 100.000.000 at most. What a till claims beyond
// them is answered `rejected` with the reason and kept as a dead letter.
TEST_F(SalePipeline, SalesBeyondTheStoresBoundsAreRejectedWithTheirReason) {
  std::ofstream(daemon_->rules_dir() + "/" + store_ + ".yaml")
      << "version: 1\nstore: " << store_
      << "\ntimezone: Asia/Jakarta\npoints:\n  earn:\n    - {name: base, per_amount: 1000}\n";
  auto mark = daemon_->log().size();
  daemon_->signal(SIGHUP);
  ASSERT_TRUE(daemon_->wait_for_log("reloaded 2 rule file(s)", std::chrono::seconds(10), mark)) << daemon_->log();
  auto code = add_member(*daemon_, store_, "Tari", "081200000009");
  const auto now = std::time(nullptr);
  auto at = [&](const std::string& id, std::time_t t, long long unit_price = 52000) {
    auto s = sale(store_, id, "R-" + id, 1, unit_price, code);
    s["occurred_at"] = utc_text(t);
    return s;
  };
  auto results = send({at("now", now - 60), at("in-2099", 4070908800), at("last-week", now - 8 * 86400),
                       at("huge", now - 60, 150'000'000)});
  EXPECT_EQ(results["now"]["status"], "applied");
  EXPECT_EQ(results["in-2099"]["reason"], "occurred_at_out_of_window");
  EXPECT_EQ(results["last-week"]["reason"], "occurred_at_out_of_window");
  EXPECT_EQ(results["huge"]["reason"], "total_over_limit");
  auto sql = db();
  EXPECT_EQ(scalar(*sql, "SELECT points FROM members WHERE code = '" + code + "'"), 52);
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM sales WHERE store_id = '" + store_ + "'"), 1);
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM dead_letters WHERE store_id = '" + store_ +
                             "' AND reason IN ('occurred_at_out_of_window', 'total_over_limit')"),
            3);
}

TEST_F(SalePipeline, GuestSaleIsRecordedWithoutPoints) {
  auto results = send({sale(store_, "evt-guest", "R-G", 1, 15000)});
  EXPECT_EQ(results["evt-guest"]["status"], "applied");
  EXPECT_FALSE(results["evt-guest"].contains("member"));
  auto sql = db();
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM sales WHERE store_id = '" + store_ + "' AND member_id IS NULL"), 1);
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM points_ledger WHERE store_id = '" + store_ + "'"), 0);
}

TEST_F(SalePipeline, UnknownMemberCodeStillRecordsTheSale) {
  auto results = send({sale(store_, "evt-unknown", "R-U", 1, 15000, "XXX-NOTAMEMBER")});
  EXPECT_EQ(results["evt-unknown"]["status"], "applied");
  EXPECT_EQ(results["evt-unknown"]["member"]["found"], false);
  EXPECT_EQ(results["evt-unknown"]["member"]["points_earned"], 0);
}

TEST_F(SalePipeline, BadInputBecomesDeadLettersAndTheNextSaleStillGoesThrough) {
  const std::string prefix = daemon_->options().topic_prefix;
  const std::string topic = prefix + "/" + store_ + "/pos/sale";
  Probe probe({prefix + "/" + store_ + "/deadletter", prefix + "/" + store_ + "/pos/result"});
  json missing = sale(store_, "bad-missing", "B-1", 1, 1000);
  missing.erase("occurred_at");
  json arithmetic = sale(store_, "bad-math", "B-2", 2, 1000);
  arithmetic["total"] = 1999;
  json mismatch = sale("some-other-store", "bad-store", "B-3", 1, 1000);
  json big = sale(store_, "bad-big", "B-4", 1, 1000);
  big["customer_name"] = std::string(70 * 1024, 'x');
  probe.publish(topic, "this is not json");
  probe.publish(topic, missing.dump());
  probe.publish(topic, arithmetic.dump());
  probe.publish(topic, mismatch.dump());
  probe.publish(topic, big.dump());
  probe.publish(topic, sale(store_, "good-after", "G-1", 1, 5000).dump());

  auto dls = probe.wait("/deadletter", 5);
  ASSERT_EQ(dls.size(), 5u);
  std::vector<std::string> reasons;
  for (const auto& [t, p] : dls) {
    auto j = json::parse(p);
    EXPECT_EQ(j["schema"], "setia.deadletter/1");
    EXPECT_EQ(j["topic"], topic);
    reasons.push_back(j["reason"]);
  }
  EXPECT_EQ(reasons, (std::vector<std::string>{"not_json", "missing_field", "invalid_arithmetic", "store_mismatch",
                                               "too_large"}));
  // Every message whose event_id could be read got a rejected result, and
  // the good sale after them was applied.
  auto results = probe.wait("/pos/result", 4);
  std::map<std::string, std::string> status;
  for (const auto& [t, p] : results) {
    auto j = json::parse(p);
    status[j["event_id"]] =
        j["status"].get<std::string>() + (j.contains("reason") ? ":" + j["reason"].get<std::string>() : "");
  }
  EXPECT_EQ(status["bad-missing"], "rejected:missing_field");
  EXPECT_EQ(status["bad-math"], "rejected:invalid_arithmetic");
  EXPECT_EQ(status["bad-store"], "rejected:store_mismatch");
  EXPECT_EQ(status["good-after"], "applied");
  auto sql = db();
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM dead_letters WHERE store_id = '" + store_ + "'"), 5);
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM sales WHERE store_id = '" + store_ + "'"), 1);
  // The stored payload is the exact bytes received.
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM dead_letters WHERE store_id = '" + store_ +
                             "' AND payload = convert_to('this is not json', 'UTF8')"),
            1);
  // Past the contract's 64 KiB only the first 64 KiB are kept, stored and
  // announced: the payload of 70 KiB and more can never be applied.
  EXPECT_EQ(scalar(*sql, "SELECT octet_length(payload) FROM dead_letters WHERE store_id = '" + store_ +
                             "' AND reason = 'too_large'"),
            64 * 1024);
  for (const auto& [t, p] : dls) {
    auto j = json::parse(p);
    if (j["reason"] == "too_large") {
      EXPECT_EQ(j["payload"].get<std::string>(), big.dump().substr(0, 64 * 1024));
    }
  }
  // setiactl lists them.
  auto listed = run({SETIACTL_PATH, "--config", daemon_->config_path(), "deadletter", "list", "--store", store_});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_EQ(std::count(listed.out.begin(), listed.out.end(), '\n'), 5);
}

TEST_F(SalePipeline, SigtermExitsZeroAndSalesSentWhileDownArriveAfterRestart) {
  auto code = add_member(*daemon_, store_, "Budi", "081200000004");
  send({sale(store_, "before", "S-1", 1, 10000, code)});
  daemon_->signal(SIGTERM);
  EXPECT_EQ(daemon_->wait_exit(), 0);
  // Published while setiad is down: kept in its persistent session.
  Probe probe({});
  probe.publish(daemon_->options().topic_prefix + "/" + store_ + "/pos/sale",
                sale(store_, "while-down", "S-2", 1, 20000, code).dump());
  daemon_->start();
  ASSERT_TRUE(daemon_->wait_for_log("event_id=while-down", std::chrono::seconds(20))) << daemon_->log();
  auto sql = db();
  EXPECT_EQ(scalar(*sql, "SELECT points FROM members WHERE code = '" + code + "'"), 30);
}

}  // namespace
}  // namespace setia::it
