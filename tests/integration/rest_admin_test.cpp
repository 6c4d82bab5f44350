// The admin paths: members (search, read with points and history,
// correct), audited points adjustments, what the rule files say (and the
// last reload error), promos, dead letters and their replay through the
// pipeline, and the sales and customers reports in the store's time zone.
#include <algorithm>
#include <csignal>
#include <ctime>
#include <fstream>
#include <vector>

#include "rest_fixture.h"

namespace setia::it {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

// Today and yesterday on the store's clock (Asia/Jakarta, UTC+7 all year).
// Store-local times of today for a test's sales, `n` minutes apart, that
// are today whenever the test runs: from ten minutes before now, or from
// one minute after midnight (WIB) when that is later (then at most a few
// minutes ahead, within the sales window's 5). Fixed times of day (00:10)
// failed when the run fell between midnight and them: sales in the future.
std::vector<std::string> jakarta_times_today(int n) {
  const std::time_t now = std::time(nullptr) + 7 * 3600;
  const std::time_t start = std::max(now - 600, now - now % 86400 + 60);
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) {
    std::time_t t = start + i * 60;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S+07:00", &tm);
    out.emplace_back(buf);
  }
  return out;
}

std::string jakarta_date(int days_ago) {
  std::time_t t = std::time(nullptr) + 7 * 3600 - days_ago * 86400;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

class RestAdmin : public RestTest {
 protected:
  void SetUp() override {
    RestTest::SetUp();
    admin_ = admin_token(*daemon_, store_);
  }
  json member_sale(const TestMember& m, const std::string& receipt, long long qty, const std::string& at) {
    json s = sale(store_, unique("evt"), receipt, qty, 13000, m.code);
    s["occurred_at"] = at;
    return s;
  }
  std::string admin_;
};

TEST_F(RestAdmin, MembersAreFoundReadAndCorrected) {
  auto a = register_member("Anindya Putri");
  auto b = register_member("Bagus");
  send_sales({member_sale(a, "R-1", 4, "2026-11-23T10:00:00+07:00")});

  auto by_name = http().get("/v1/admin/members?q=anindya", admin_);
  ASSERT_EQ(by_name.status, 200) << by_name.body;
  ASSERT_EQ(by_name.json()["items"].size(), 1u);
  EXPECT_EQ(by_name.json()["items"][0]["code"], a.code);
  EXPECT_EQ(http().get("/v1/admin/members?q=" + b.phone, admin_).json()["items"][0]["code"], b.code);
  EXPECT_EQ(http().get("/v1/admin/members?q=" + a.code, admin_).json()["items"].size(), 1u);
  EXPECT_EQ(http().get("/v1/admin/members?q=%25", admin_).json()["items"].size(),
            0u);  // % is a character, not a wildcard
  auto page1 = http().get("/v1/admin/members?limit=1", admin_).json();
  ASSERT_EQ(page1["items"].size(), 1u);
  auto page2 = http().get("/v1/admin/members?limit=1&cursor=" + page1["next_cursor"].get<std::string>(), admin_).json();
  ASSERT_EQ(page2["items"].size(), 1u);
  EXPECT_NE(page1["items"][0]["code"], page2["items"][0]["code"]);
  EXPECT_TRUE(page2["next_cursor"].is_null());

  auto detail = http().get("/v1/admin/members/" + std::to_string(a.id), admin_);
  ASSERT_EQ(detail.status, 200) << detail.body;
  auto d = detail.json();
  EXPECT_EQ(d["code"], a.code);
  EXPECT_EQ(d["points"], 52);
  EXPECT_EQ(d["points_expiring"]["points"], 52);
  EXPECT_EQ(d["points_history"]["items"][0]["why"]["sale"]["receipt_no"], "R-1");
  EXPECT_EQ(d["transactions"]["items"][0]["receipt_no"], "R-1");
  EXPECT_EQ(http().get("/v1/admin/members/" + a.code, admin_).json()["id"], a.id);
  EXPECT_EQ(http().get("/v1/admin/members/999999999", admin_).status, 404);

  // An admin corrects the birth date as often as needed; points, store and
  // code are not fields to set.
  auto p = http().patch("/v1/admin/members/" + a.code, {{"birth_date", "2000-01-02"}, {"name", "Anindya P."}}, admin_);
  ASSERT_EQ(p.status, 200) << p.body;
  EXPECT_EQ(p.json()["birth_date"], "2000-01-02");
  EXPECT_EQ(http().patch("/v1/admin/members/" + a.code, {{"birth_date", "2000-01-03"}}, admin_).json()["birth_date"],
            "2000-01-03");
  // Audited: the row says who set it and when (its clock restarts: no gift
  // for birthday.notice_days), the log who changed it, without the date.
  {
    auto sql = db();
    std::string by;
    long long age = -1;
    *sql << "SELECT birth_date_set_by, extract(epoch FROM now() - birth_date_set_at)::bigint FROM members "
            "WHERE id = :m",
        soci::use(a.id), soci::into(by), soci::into(age);
    EXPECT_EQ(by.rfind("admin-token:", 0), 0u) << by;  // admin_actor of setiactl's token
    EXPECT_GE(age, 0);
    EXPECT_LT(age, 60);
    EXPECT_TRUE(daemon_->wait_for_log("changed the birth date of member " + std::to_string(a.id), 5s))
        << daemon_->log();
    EXPECT_EQ(daemon_->log().find("2000-01-03"), std::string::npos) << "no birth date in the log";
  }
  auto bad = http().patch("/v1/admin/members/" + a.code, {{"points", 999}}, admin_);
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("points"), std::string::npos);
  EXPECT_EQ(http().patch("/v1/admin/members/" + a.code, {{"phone", b.phone}}, admin_).status, 409);
}

TEST_F(RestAdmin, PointsAdjustmentsAreAudited) {
  auto m = register_member("Cahya");
  auto r = http().post("/v1/admin/members/" + m.code + "/points", {{"delta", 50}, {"reason", "kompensasi"}}, admin_);
  ASSERT_EQ(r.status, 201) << r.body;
  auto j = r.json()["adjustment"];
  EXPECT_EQ(j["before"], 0);
  EXPECT_EQ(j["after"], 50);
  EXPECT_EQ(http().get("/v1/me", m.token).json()["points"], 50);
  auto sql = db();
  std::string actor, reason;
  *sql << "SELECT actor, reason FROM points_adjustments WHERE member_id = :m", soci::use(m.id), soci::into(actor),
      soci::into(reason);
  EXPECT_TRUE(actor.starts_with("admin-token:")) << actor;
  EXPECT_NE(actor.find(store_), std::string::npos) << actor;
  EXPECT_EQ(reason, "kompensasi");

  auto too_much = http().post("/v1/admin/members/" + m.code + "/points", {{"delta", -1000}, {"reason", "x"}}, admin_);
  EXPECT_EQ(too_much.status, 422) << too_much.body;
  EXPECT_EQ(too_much.json()["error"]["reason"], "insufficient_points");
  EXPECT_EQ(http().post("/v1/admin/members/" + m.code + "/points", {{"delta", 0}, {"reason", "x"}}, admin_).status,
            400);
  EXPECT_EQ(http().post("/v1/admin/members/" + m.code + "/points", {{"delta", 5}}, admin_).status, 400);
  EXPECT_EQ(http().post("/v1/admin/members/" + m.code + "/points", {{"delta", 1.5}, {"reason", "x"}}, admin_).status,
            400);
  EXPECT_EQ(
      http().post("/v1/admin/members/" + m.code + "/points", {{"delta", -50}, {"reason", "koreksi"}}, admin_).status,
      201);
  EXPECT_EQ(http().get("/v1/me", m.token).json()["points"], 0);
}

TEST_F(RestAdmin, RulesSayWhatIsLoadedAndTheLastReloadError) {
  auto r = http().get("/v1/admin/rules", admin_);
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = r.json();
  EXPECT_EQ(j["version"].get<std::string>().size(), 16u);
  ASSERT_EQ(j["rule_sets"].size(), 1u);
  EXPECT_EQ(j["rule_sets"][0]["store"], "*");
  EXPECT_EQ(j["rule_sets"][0]["timezone"], "Asia/Jakarta");
  EXPECT_EQ(j["rule_sets"][0]["rewards"][0]["id"], "free-smoothie");
  EXPECT_EQ(j["rule_sets"][0]["enota"]["header"][0], "TOKO TEST");
  EXPECT_TRUE(j["last_reload_error"].is_null());

  // A broken file and SIGHUP: the old rules stay, the error is shown.
  std::ofstream(daemon_->rules_dir() + "/broken.yaml") << "version: 1\nstore: broken\ntimezone: Mars/Olympus\n";
  auto from = daemon_->log().size();
  daemon_->signal(SIGHUP);
  ASSERT_TRUE(daemon_->wait_for_log("broken rule files", 10s, from)) << daemon_->log();
  auto all = admin_token(*daemon_, "");
  auto after = http().get("/v1/admin/rules", all).json();
  EXPECT_EQ(after["version"], j["version"]);
  ASSERT_FALSE(after["last_reload_error"].is_null()) << after;
  EXPECT_NE(after["last_reload_error"]["errors"][0].get<std::string>().find("broken.yaml"), std::string::npos) << after;
  EXPECT_TRUE(after["last_reload_error"]["at"].is_string());
  // A store admin sees only the errors of its own store's file.
  EXPECT_TRUE(http().get("/v1/admin/rules", admin_).json()["last_reload_error"].is_null());
  auto own = http().get("/v1/admin/rules", admin_token(*daemon_, "broken")).json();
  ASSERT_FALSE(own["last_reload_error"].is_null()) << own;
  EXPECT_EQ(own["last_reload_error"]["errors"].size(), 1u) << own;
  // /healthz and /metrics name the store.
  auto health = http().get("/healthz").json();
  EXPECT_EQ(health["checks"]["rules"]["broken_stores"]["broken"], "unavailable") << health;
  EXPECT_EQ(health["status"], "ok");
  EXPECT_NE(http().get("/metrics").body.find("setia_rules_broken{store=\"broken\",state=\"unavailable\"} 1"),
            std::string::npos);
}

TEST_F(RestAdmin, PromosOfTheRuleFile) {
  auto r = http().get("/v1/admin/promos", admin_);
  ASSERT_EQ(r.status, 200) << r.body;
  auto items = r.json()["items"];
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0]["id"], "hemat");
  EXPECT_EQ(items[0]["running"], true);
  EXPECT_EQ(items[0]["total"], 2);
  EXPECT_EQ(items[0]["remaining"], 2);
  EXPECT_EQ(items[0]["from"], "2020-01-01");
}

TEST_F(RestAdmin, DeadLettersListedAndReplayedThroughThePipeline) {
  auto m = register_member("Dimas");
  Probe probe({daemon_->options().topic_prefix + "/+/deadletter", daemon_->options().topic_prefix + "/+/pos/result"});
  probe.publish(daemon_->options().topic_prefix + "/" + store_ + "/pos/sale", "{not json");
  ASSERT_EQ(probe.wait("/deadletter", 1).size(), 1u);
  auto list = http().get("/v1/admin/deadletters", admin_);
  ASSERT_EQ(list.status, 200) << list.body;
  auto letter = list.json()["items"][0];
  EXPECT_EQ(letter["reason"], "not_json");
  EXPECT_EQ(letter["payload"], "{not json");
  EXPECT_EQ(letter["store"], store_);
  EXPECT_TRUE(letter["replayed_at"].is_null());

  // Replaying a payload that is still bad: rejected again, a new dead letter.
  auto again = http().post("/v1/admin/deadletters/" + std::to_string(letter["id"].get<long long>()) + "/replay",
                           json::object(), admin_);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.json()["dead_lettered_again"], true);
  ASSERT_EQ(probe.wait("/deadletter", 2).size(), 2u);

  // A valid sale that was refused for good at the time (a database
  // refusal, say): its rejected claim and dead letter, as setia_reject_event
  // leaves them. The replay releases the claim and applies the sale.
  std::string event = unique("evt");
  json s = member_sale(m, "R-REPLAY", 4, "2026-11-23T10:00:00+07:00");
  s["event_id"] = event;
  std::string topic = daemon_->options().topic_prefix + "/" + store_ + "/pos/sale", payload = s.dump();
  auto sql = db();
  long long id = 0;
  std::string stored;
  *sql << "SELECT (setia_reject_event(:s, :e, 'unprocessable', 'refused at the time', :t, "
          "encode(convert_to(:p, 'UTF8'), 'hex')))::text",
      soci::use(store_), soci::use(event), soci::use(topic), soci::use(payload), soci::into(stored);
  *sql << "SELECT max(id) FROM dead_letters WHERE event_id = :e", soci::use(event), soci::into(id);
  auto replay = http().post("/v1/admin/deadletters/" + std::to_string(id) + "/replay", json::object(), admin_);
  ASSERT_EQ(replay.status, 200) << replay.body;
  auto result = replay.json()["result"];
  EXPECT_EQ(result["status"], "applied") << replay.body;
  EXPECT_EQ(result["duplicate"], false);
  EXPECT_EQ(result["member"]["points_earned"], 52);
  EXPECT_EQ(replay.json()["dead_lettered_again"], false);
  EXPECT_EQ(http().get("/v1/me", m.token).json()["points"], 52);
  // Published to the POS like any other result.
  bool published = false;
  for (const auto& [t, body] : probe.wait("/pos/result", 1)) {
    if (json::parse(body, nullptr, false).value("event_id", "") == event) published = true;
  }
  EXPECT_TRUE(published);
  // The letter remembers it; a second replay is a duplicate, never a second sale.
  auto shown = http().get("/v1/admin/deadletters", admin_).json()["items"];
  for (const auto& d : shown) {
    if (d["id"] == id) {
      EXPECT_TRUE(d["replayed_at"].is_string());
      EXPECT_EQ(d["replay"]["result"]["status"], "applied");
    }
  }
  auto twice = http().post("/v1/admin/deadletters/" + std::to_string(id) + "/replay", json::object(), admin_);
  EXPECT_EQ(twice.json()["result"]["duplicate"], true);
  EXPECT_EQ(http().get("/v1/me", m.token).json()["points"], 52);
  EXPECT_EQ(http().post("/v1/admin/deadletters/999999999/replay", json::object(), admin_).status, 404);
  EXPECT_EQ(http().post("/v1/admin/deadletters/abc/replay", json::object(), admin_).status, 404);
}

TEST_F(RestAdmin, SalesReportByDayAndMonthInTheStoresZone) {
  auto m = register_member("Eko");
  std::string today = jakarta_date(0), yesterday = jakarta_date(1);
  const auto at = jakarta_times_today(2);
  // Yesterday 23:30 WIB is 16:30 UTC: still yesterday in the store.
  send_sales({member_sale(m, "R-Y", 3, yesterday + "T23:30:00+07:00"), member_sale(m, "R-T1", 4, at[0]),
              member_sale(m, "R-T2", 2, at[1]),
              sale(store_, unique("evt"), "R-G", 1, 13000)});  // a guest, occurred_at 2026-11-23T10:00+07:00
  // Points: redeem the reward (100 of the 117 earned), adjust +10, and one
  // voucher redeemed at a till.
  ASSERT_EQ(http().post("/v1/rewards/free-smoothie/redeem", json::object(), m.token).status, 201);
  ASSERT_EQ(http().post("/v1/admin/members/" + m.code + "/points", {{"delta", 10}, {"reason", "x"}}, admin_).status,
            201);
  auto claimed =
      http().post("/v1/promos/hemat/claim", json::object(), m.token).json()["voucher"]["code"].get<std::string>();
  auto sql = db();
  *sql << "UPDATE vouchers SET status = 'redeemed', redeemed_at = now(), discount = 5200 WHERE code = :c",
      soci::use(claimed);

  auto r = http().get("/v1/admin/reports/sales?from=" + yesterday + "&to=" + today + "&by=day", admin_);
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = r.json();
  EXPECT_EQ(j["timezone"], "Asia/Jakarta");
  ASSERT_EQ(j["periods"].size(), 2u) << j;
  auto y = j["periods"][0], t = j["periods"][1];
  EXPECT_EQ(y["period"], yesterday);
  EXPECT_EQ(t["period"], today);
  // The guest's sale is on 2026-11-23 (the harness's date).
  long long guest_today = today == "2026-11-23" ? 1 : 0, guest_yesterday = yesterday == "2026-11-23" ? 1 : 0;
  EXPECT_EQ(y["sales"], 1 + guest_yesterday);
  EXPECT_EQ(y["member_sales"], 1);
  EXPECT_EQ(y["member_amount"], 39000);
  EXPECT_EQ(t["sales"], 2 + guest_today);
  EXPECT_EQ(t["member_amount"], 78000);
  EXPECT_EQ(t["amount"], 78000 + 13000 * guest_today);
  // Points move when they are recorded: all today.
  EXPECT_EQ(t["points_issued"], 117);
  EXPECT_EQ(t["points_redeemed"], 100);
  EXPECT_EQ(t["points_adjusted"], 10);
  EXPECT_EQ(t["vouchers_redeemed"], 1);
  EXPECT_EQ(t["voucher_discount"], 5200);
  EXPECT_EQ(j["totals"]["member_sales"], 3);
  EXPECT_EQ(j["totals"]["member_amount"], 117000);

  auto month =
      http().get("/v1/admin/reports/sales?from=" + today.substr(0, 8) + "01&to=" + today + "&by=month", admin_);
  ASSERT_EQ(month.status, 200) << month.body;
  ASSERT_EQ(month.json()["periods"].size(), 1u);
  EXPECT_EQ(month.json()["periods"][0]["period"], today.substr(0, 7));

  auto bad = [&](const std::string& q) { return http().get("/v1/admin/reports/sales?" + q, admin_).status; };
  EXPECT_EQ(bad("from=2026-11-01&to=2026-11-30&by=week"), 400);
  EXPECT_EQ(bad("from=2026-11-30&to=2026-11-01"), 400);
  EXPECT_EQ(bad("from=2026-02-30&to=2026-03-01"), 400);
  EXPECT_EQ(bad("to=2026-11-30"), 400);
  EXPECT_EQ(bad("from=2024-01-01&to=2026-01-01&by=day"), 400);
  EXPECT_EQ(bad("from=2024-01-01&to=2026-01-01&by=month"), 200);
}

TEST_F(RestAdmin, CustomersReportSegmentsTopCustomersAndActiveMonths) {
  auto m = register_member("Fitri");
  auto quiet = register_member("Gilang");
  std::string today = jakarta_date(0);
  const auto at = jakarta_times_today(3);
  send_sales({member_sale(m, "C-1", 4, at[0]), member_sale(m, "C-2", 2, at[1]), member_sale(m, "C-3", 3, at[2])});
  auto r = http().get("/v1/admin/reports/customers", admin_);
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = r.json();
  EXPECT_EQ(j["members"], 2);
  EXPECT_EQ(j["buyers"], 1);
  auto bucket = [&](const char* dim, const char* label) -> long long {
    for (const auto& b : j["segments"][dim]) {
      if (b["bucket"] == label) return b["members"];
    }
    return 0;
  };
  EXPECT_EQ(bucket("recency_days", "0-30"), 1);
  EXPECT_EQ(bucket("recency_days", "never"), 1);
  EXPECT_EQ(bucket("frequency", "2-4"), 1);
  EXPECT_EQ(bucket("frequency", "0"), 1);
  EXPECT_EQ(bucket("spend", "100000-499999"), 1);
  ASSERT_EQ(j["top_customers"].size(), 1u);
  EXPECT_EQ(j["top_customers"][0]["code"], m.code);
  EXPECT_EQ(j["top_customers"][0]["purchases"], 3);
  EXPECT_EQ(j["top_customers"][0]["spend"], 117000);
  EXPECT_TRUE(j["top_customers"][0]["last_purchase"].get<std::string>().starts_with(today));
  ASSERT_EQ(j["active_by_month"].size(), 6u);
  EXPECT_EQ(j["active_by_month"][5]["month"], today.substr(0, 7));
  EXPECT_EQ(j["active_by_month"][5]["active_members"], 1);
  EXPECT_EQ(j["active_by_month"][0]["active_members"], 0);
  // Every member, by spend, paginated.
  ASSERT_EQ(j["items"].size(), 2u);
  EXPECT_EQ(j["items"][0]["code"], m.code);
  EXPECT_EQ(j["items"][1]["code"], quiet.code);
  auto p1 = http().get("/v1/admin/reports/customers?limit=1", admin_).json();
  ASSERT_EQ(p1["items"].size(), 1u);
  auto p2 =
      http().get("/v1/admin/reports/customers?limit=1&cursor=" + p1["next_cursor"].get<std::string>(), admin_).json();
  ASSERT_EQ(p2["items"].size(), 1u);
  EXPECT_EQ(p2["items"][0]["code"], quiet.code);
  EXPECT_EQ(http().get("/v1/admin/reports/customers?top=0", admin_).status, 400);
}

}  // namespace
}  // namespace setia::it
