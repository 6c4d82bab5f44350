// The owner's console editing a store's rules (issue #15 point 5;
// docs/rules.md, "Rule versions"): check with errors at their fields,
// preview with a backtest, save as versions in PostgreSQL, the versions
// listed, compared and restored, a save reaching the rules in force of
// this setiad and of another one (LISTEN/NOTIFY), and the rules dir still
// working beside it.
#include <chrono>
#include <csignal>
#include <fstream>
#include <set>
#include <thread>

#include <soci/soci.h>

#include "rest_fixture.h"
#include "rules/version_hash.h"

namespace setia::it {
namespace {

using nlohmann::json;

// The time an hour ago in Jakarta, RFC 3339: a sale the backtest's 30
// days take.
std::string hour_ago_wib() {
  using namespace std::chrono;
  auto t = floor<seconds>(system_clock::now() - hours(1) + hours(7));
  auto d = floor<days>(t);
  year_month_day ymd{d};
  hh_mm_ss hms{t - d};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d+07:00", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buf;
}

// Store S's own rules: 1 point per Rp `per_amount`, the reward of kRestRules
// at `cost`, an amount_off reward worth Rp 10.000 for 100 points.
std::string own_rules(const std::string& store, int per_amount, int cost = 100) {
  return "version: 1\nstore: " + store +
         "\ntimezone: Asia/Jakarta\n"
         "# the earn rules (a comment the console keeps)\n"
         "points:\n  earn:\n    - {name: base, per_amount: " +
         std::to_string(per_amount) +
         ", points: 1}\n  expiry: {after_days: 3650}\n"
         "sales: {past_days: 3650}\n"
         "rewards:\n"
         "  - id: free-smoothie\n    title: \"Gratis 1 Smoothies\"\n    cost: " +
         std::to_string(cost) +
         "\n    voucher: { free_item: { category: smoothies, qty: 1 }, valid_days: 30 }\n"
         "  - id: potongan\n    title: \"Potongan Rp 10.000\"\n    cost: 100\n"
         "    voucher: { amount_off: 10000, valid_days: 30 }\n"
         "promos:\n"
         "  - id: hemat\n    title: \"Diskon 10%\"\n    from: 2020-01-01\n    until: 2099-12-31\n"
         "    voucher: { percent_off: 10, max_off: 20000, min_spend: 50000, valid_days: 7 }\n";
}

class RestRules : public RestTest {
 protected:
  void SetUp() override {
    RestTest::SetUp();
    owner_ = admin_token(*daemon_, store_);
  }

  json store_rules(const std::string& token, HttpClient* on = nullptr) {
    auto r = (on ? *on : http()).get("/v1/admin/rules", token);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json()["store_rules"];
  }

  // Waits (up to 10 s) until this setiad has `version` of the store in force.
  bool live(int version, HttpClient* on = nullptr) {
    for (int i = 0; i < 100; ++i) {
      if (store_rules(owner_, on).value("live_version", -1) == version) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

  // Sends SIGHUP and waits (up to 10 s) for the reload's outcome in the
  // log after `from`: the checks after it then see the reload, not the time
  // before it.
  bool reload_done(std::size_t from) {
    daemon_->signal(SIGHUP);
    for (int i = 0; i < 100; ++i) {
      auto log = daemon_->log().substr(from);
      if (log.find("reloaded ") != std::string::npos || log.find("reload failed") != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

  HttpResponse save(const json& body) {
    return http().request("PUT", "/v1/admin/rules", body.dump(), owner_, {{"Content-Type", "application/json"}});
  }

  std::string owner_;
};

TEST_F(RestRules, ChecksSavesListsComparesAndRestoresVersions) {
  // The store runs on the default file: version 0, its text, its sections.
  auto now = store_rules(owner_);
  EXPECT_EQ(now["version"], 0);
  EXPECT_EQ(now["live_version"], 0);
  EXPECT_EQ(now["source"], "default_file");
  ASSERT_EQ(now["sections"]["promos"].size(), 1u) << now;
  EXPECT_EQ(now["sections"]["promos"][0]["id"], "hemat");
  EXPECT_EQ(now["sections"]["rewards"][0]["cost"], 100);

  // The console's forms: the reward at 250 points.
  json rewards = now["sections"]["rewards"];
  rewards[0]["cost"] = 250;
  auto checked = http().post("/v1/admin/rules/check", {{"sections", {{"rewards", rewards}}}}, owner_);
  ASSERT_EQ(checked.status, 200) << checked.body;
  EXPECT_NE(checked.json()["yaml"].get<std::string>().find("store: " + store_), std::string::npos)
      << "a store on the default file gets a text of its own";
  EXPECT_NE(checked.json()["yaml"].get<std::string>().find("reservations:"), std::string::npos)
      << "the sections not sent are kept";

  // Errors at their fields: a date that does not exist, a cost that is no number.
  json promos = now["sections"]["promos"];
  json bad_promos = promos;
  bad_promos.push_back(promos[0]);
  bad_promos[1]["id"] = "rusak";
  bad_promos[1]["until"] = "2027-02-30";
  json bad_rewards = rewards;
  bad_rewards[0]["cost"] = "banyak";
  auto refused =
      http().post("/v1/admin/rules/check", {{"sections", {{"promos", bad_promos}, {"rewards", bad_rewards}}}}, owner_);
  ASSERT_EQ(refused.status, 422) << refused.body;
  auto errors = refused.json()["errors"];
  EXPECT_EQ(refused.json()["error"]["reason"], "invalid_rules");
  std::set<std::string> fields;
  for (const auto& e : errors) fields.insert(e["field"].get<std::string>());
  EXPECT_TRUE(fields.contains("promos[1].until")) << errors;
  EXPECT_TRUE(fields.contains("rewards[0].cost")) << errors;

  // A save with errors changes nothing.
  auto bad_save = save({{"sections", {{"promos", bad_promos}}}, {"base_version", 0}});
  ASSERT_EQ(bad_save.status, 422) << bad_save.body;
  EXPECT_EQ(store_rules(owner_)["version"], 0);

  // Saved: version 1, in force here within seconds.
  auto saved = save({{"sections", {{"rewards", rewards}}}, {"base_version", 0}, {"note", "hadiah lebih mahal"}});
  ASSERT_EQ(saved.status, 201) << saved.body;
  EXPECT_EQ(saved.json()["version"]["version"], 1);
  EXPECT_EQ(saved.json()["version"]["source"], "console");
  EXPECT_EQ(saved.json()["version"]["note"], "hadiah lebih mahal");
  ASSERT_TRUE(live(1)) << daemon_->log();
  auto after = store_rules(owner_);
  EXPECT_EQ(after["source"], "version");
  EXPECT_EQ(after["sections"]["rewards"][0]["cost"], 250);
  auto rewards_seen = http().get("/v1/rewards", register_member("Rani").token).json();
  EXPECT_EQ(rewards_seen["items"][0]["cost"], 250) << rewards_seen;

  // Another save started from version 0: 409, nothing saved.
  auto stale = save({{"sections", {{"rewards", rewards}}}, {"base_version", 0}});
  ASSERT_EQ(stale.status, 409) << stale.body;
  EXPECT_EQ(stale.json()["error"]["reason"], "stale_version");

  // The whole text: 1 point per Rp 500; a member's sale after it earns so.
  ASSERT_EQ(save({{"yaml", own_rules(store_, 500, 250)}, {"base_version", 1}}).status, 201);
  ASSERT_TRUE(live(2)) << daemon_->log();
  auto m = register_member("Sari");
  send_sales({sale(store_, unique("evt"), "R-" + unique("r"), 1, 10000, m.code)});
  EXPECT_EQ(http().get("/v1/me", m.token).json()["points"], 20) << "Rp 10.000 at 1 point per Rp 500";

  // The list, newest first, by pages.
  auto page = http().get("/v1/admin/rules/versions?limit=1", owner_).json();
  ASSERT_EQ(page["items"].size(), 1u) << page;
  EXPECT_EQ(page["items"][0]["version"], 2);
  ASSERT_TRUE(page["next_cursor"].is_string());
  auto rest = http().get("/v1/admin/rules/versions?limit=5&cursor=" + page["next_cursor"].get<std::string>(), owner_);
  ASSERT_EQ(rest.json()["items"].size(), 1u) << rest.body;
  EXPECT_EQ(rest.json()["items"][0]["version"], 1);
  EXPECT_FALSE(rest.json()["items"][0].contains("yaml")) << "a list carries no texts";

  auto one = http().get("/v1/admin/rules/versions/1", owner_).json();
  EXPECT_NE(one["yaml"].get<std::string>().find("cost: 250"), std::string::npos) << one;
  auto diff = http().get("/v1/admin/rules/versions/2/diff", owner_).json();
  EXPECT_EQ(diff["from"], 1);
  EXPECT_GT(diff["added"].get<int>(), 0) << diff;
  bool per_500 = false;
  for (const auto& l : diff["lines"]) {
    if (l["op"] == "+" && l["line"].get<std::string>().find("per_amount: 500") != std::string::npos) per_500 = true;
  }
  EXPECT_TRUE(per_500) << diff;
  EXPECT_EQ(http().get("/v1/admin/rules/versions/9/diff?against=1", owner_).status, 404);

  // Restored: version 3 is version 1's text, in force.
  auto restored = http().post("/v1/admin/rules/versions/1/restore", json::object(), owner_);
  ASSERT_EQ(restored.status, 201) << restored.body;
  EXPECT_EQ(restored.json()["version"]["version"], 3);
  EXPECT_EQ(restored.json()["version"]["restored_from"], 1);
  ASSERT_TRUE(live(3)) << daemon_->log();
  EXPECT_EQ(http().get("/v1/admin/rules/versions/3", owner_).json()["hash"], one["hash"]);
  auto stale_restore = http().post("/v1/admin/rules/versions/1/restore", {{"base_version", 2}}, owner_);
  EXPECT_EQ(stale_restore.status, 409) << stale_restore.body;
}

TEST_F(RestRules, StaffAndOtherStoresReachNothing) {
  ASSERT_EQ(save({{"sections", json::object()}, {"base_version", 0}}).status, 201);
  const std::string password = "rahasia-kasir";
  const std::string login = unique("kasir") + "@example.com";
  add_admin_with_setiactl({"--store", store_, "--role", "staff", "--login", login, "--name", "Kasir"}, password);
  auto staff = admin_login(login, password);
  for (auto [method, path] :
       std::vector<std::pair<std::string, std::string>>{{"PUT", "/v1/admin/rules"},
                                                        {"POST", "/v1/admin/rules/check"},
                                                        {"POST", "/v1/admin/rules/preview"},
                                                        {"GET", "/v1/admin/rules/versions"},
                                                        {"GET", "/v1/admin/rules/versions/1"},
                                                        {"POST", "/v1/admin/rules/versions/1/restore"}}) {
    auto r = http().request(method, path, R"({"sections": {}, "base_version": 1})", staff,
                            {{"Content-Type", "application/json"}});
    EXPECT_EQ(r.status, 403) << method << " " << path << ": " << r.body;
    EXPECT_EQ(r.json()["error"].value("reason", ""), "owner_only") << r.body;
  }
  // Another store's owner: its own store has no versions; naming ours is 403.
  const std::string other = unique("lain");
  auto other_owner = admin_token(*daemon_, other);
  EXPECT_EQ(http().get("/v1/admin/rules/versions/1", other_owner).status, 404);
  EXPECT_TRUE(http().get("/v1/admin/rules/versions", other_owner).json()["items"].empty());
  EXPECT_EQ(http().get("/v1/admin/rules/versions?store=" + store_, other_owner).status, 403);
  EXPECT_EQ(http().post("/v1/admin/rules/versions/1/restore", json::object(), other_owner).status, 404);
  // An admin of every store names the store.
  auto all = admin_token(*daemon_, "");
  EXPECT_EQ(http().get("/v1/admin/rules/versions", all).status, 400);
  EXPECT_EQ(http().get("/v1/admin/rules/versions?store=" + store_, all).json()["items"].size(), 1u);
}

TEST_F(RestRules, PreviewComparesASaleAndTheLast30Days) {
  ASSERT_EQ(save({{"yaml", own_rules(store_, 1000)}, {"base_version", 0}}).status, 201);
  ASSERT_TRUE(live(1)) << daemon_->log();
  // Two member sales of the last hour: Rp 60.000 and Rp 40.000, 100 points.
  auto m = register_member("Wulan");
  json s1 = sale(store_, unique("evt"), "P-" + unique("r"), 2, 30000, m.code);
  json s2 = sale(store_, unique("evt"), "P-" + unique("r"), 1, 40000, m.code);
  s1["occurred_at"] = s2["occurred_at"] = hour_ago_wib();
  send_sales({s1, s2});

  // The candidate: 1 point per Rp 500, and the Rp 10.000 reward at 200 points.
  auto r = http().post(
      "/v1/admin/rules/preview",
      {{"yaml", own_rules(store_, 500)},
       {"sale", {{"items", {{{"sku", "KP-01"}, {"category", "coffee"}, {"qty", 2}, {"unit_price", 30000}}}}}}},
      owner_);
  ASSERT_EQ(r.status, 200) << r.body;
  auto p = r.json();
  EXPECT_EQ(p["live"]["points"], 60);
  EXPECT_EQ(p["candidate"]["points"], 120);
  ASSERT_EQ(p["live"]["promos"].size(), 1u) << p;
  EXPECT_EQ(p["live"]["promos"][0]["discount"], 6000) << "10% of Rp 60.000";
  auto bt = p["backtest"];
  EXPECT_EQ(bt["days"], 30);
  EXPECT_EQ(bt["member_sales"], 2);
  EXPECT_EQ(bt["points_recorded"], 100);
  EXPECT_EQ(bt["live"]["points"], 100);
  EXPECT_EQ(bt["candidate"]["points"], 200);
  // A point is worth Rp 10.000 / 100 points under both.
  EXPECT_EQ(bt["live"]["point_value"]["amount"], 10000);
  EXPECT_EQ(bt["live"]["point_value"]["points"], 100);
  EXPECT_EQ(bt["live"]["point_value"]["reward"], "potongan");
  EXPECT_EQ(bt["live"]["liability"], 10000);
  EXPECT_EQ(bt["candidate"]["liability"], 20000);
  EXPECT_EQ(bt["liability_change"], 10000);

  // A candidate with errors: 422 with the fields, no preview.
  auto bad = http().post("/v1/admin/rules/preview",
                         {{"sections", {{"promos", {{{"id", "x"}, {"title", "X"}, {"from", "2027-13-01"}}}}}},
                          {"sale", {{"items", {{{"qty", 1}, {"unit_price", 1000}}}}}}},
                         owner_);
  ASSERT_EQ(bad.status, 422) << bad.body;
  EXPECT_EQ(bad.json()["errors"][0]["field"].get<std::string>().rfind("promos[0]", 0), 0u) << bad.body;
  // A sale without lines is the request's error.
  EXPECT_EQ(
      http().post("/v1/admin/rules/preview", {{"sections", json::object()}, {"sale", json::object()}}, owner_).status,
      400);
  // A line's sku that is no text is the request's error too, named where it is.
  auto odd = http().post(
      "/v1/admin/rules/preview",
      {{"sections", json::object()}, {"sale", {{"items", {{{"sku", 5}, {"qty", 1}, {"unit_price", 1000}}}}}}}, owner_);
  EXPECT_EQ(odd.status, 400) << odd.body;
  EXPECT_NE(odd.body.find("sale.items[0].sku"), std::string::npos) << odd.body;
}

// The rules dir beside the versions: a store without versions keeps its
// file alone; once it has versions, a file content seen for the first time
// is recorded as a version and wins, until a later save.
TEST_F(RestRules, AFileEditOfAStoreWithVersionsBecomesTheNewestVersion) {
  const std::string path = daemon_->rules_dir() + "/" + store_ + ".yaml";
  std::ofstream(path) << own_rules(store_, 1000);
  ASSERT_TRUE(daemon_->wait_for_log("reloaded", std::chrono::seconds(10)));
  for (int i = 0; i < 50 && store_rules(owner_)["source"] != "file"; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(store_rules(owner_)["source"], "file");
  EXPECT_TRUE(http().get("/v1/admin/rules/versions", owner_).json()["items"].empty())
      << "a store edited in files only has no versions";

  // The first save records the file first (version 1), then the save (2).
  ASSERT_EQ(save({{"yaml", own_rules(store_, 500)}, {"base_version", 0}}).status, 201);
  ASSERT_TRUE(live(2)) << daemon_->log();
  auto v1 = http().get("/v1/admin/rules/versions/1", owner_).json();
  EXPECT_EQ(v1["source"], "file");
  EXPECT_EQ(v1["yaml"], own_rules(store_, 1000));

  // The operator edits the file: a new content, recorded as version 3, in force.
  auto offset = daemon_->log().size();
  std::ofstream(path) << own_rules(store_, 2000);
  ASSERT_TRUE(daemon_->wait_for_log("recorded as version 3", std::chrono::seconds(10), offset)) << daemon_->log();
  ASSERT_TRUE(live(3)) << daemon_->log();
  EXPECT_EQ(http().get("/v1/admin/rules/versions/3", owner_).json()["source"], "file");
  auto m = register_member("Dewi");
  send_sales({sale(store_, unique("evt"), "F-" + unique("r"), 1, 10000, m.code)});
  EXPECT_EQ(http().get("/v1/me", m.token).json()["points"], 5) << "Rp 10.000 at 1 point per Rp 2.000";

  // The same content written again (or a SIGHUP) is no new version; a
  // console save after it wins.
  std::ofstream(path) << own_rules(store_, 2000);
  ASSERT_TRUE(reload_done(offset = daemon_->log().size())) << daemon_->log();
  EXPECT_EQ(store_rules(owner_)["version"], 3);
  ASSERT_EQ(save({{"yaml", own_rules(store_, 1000)}, {"base_version", 3}}).status, 201);
  ASSERT_TRUE(live(4)) << daemon_->log();
  // A broken file keeps the version in force.
  std::ofstream(path) << "version: 1\nstore: " << store_ << "\npoints: [\n";
  ASSERT_TRUE(reload_done(offset = daemon_->log().size())) << daemon_->log();
  EXPECT_EQ(store_rules(owner_)["live_version"], 4);
  EXPECT_EQ(store_rules(owner_)["version"], 4);
}

// Two setiad processes on one database: a save through one is in force in
// the other within seconds.
TEST_F(RestRules, ASaveThroughOneSetiadReachesAnother) {
  Daemon::Options o;
  o.rules_yaml = kRestRules;
  o.extra_yaml = rest_yaml();
  Daemon second(o);
  second.start();
  ASSERT_GT(second.rest_port(), 0) << second.log();
  HttpClient other(second.rest_port());
  EXPECT_EQ(store_rules(owner_, &other)["live_version"], 0);

  ASSERT_EQ(save({{"yaml", own_rules(store_, 500)}, {"base_version", 0}}).status, 201);
  auto saved_at = std::chrono::steady_clock::now();
  ASSERT_TRUE(live(1, &other)) << second.log();
  EXPECT_LT(std::chrono::steady_clock::now() - saved_at, std::chrono::seconds(5));
  EXPECT_TRUE(second.wait_for_log("rules: version saved: " + store_ + " 1", std::chrono::seconds(1))) << second.log();
  // Its sales earn under the saved rules.
  auto m = register_member("Intan");
  Probe probe({o.topic_prefix + "/+/pos/result"});
  probe.publish(o.topic_prefix + "/" + store_ + "/pos/sale",
                sale(store_, unique("evt"), "D-" + unique("r"), 1, 10000, m.code).dump());
  ASSERT_EQ(probe.wait("/pos/result", 1).size(), 1u);
  EXPECT_EQ(http().get("/v1/me", m.token).json()["points"], 20);
}

TEST_F(RestRules, SectionsAreSavedOnTheirBaseNotOnAnOlderTextInForce) {
  ASSERT_EQ(save({{"yaml", own_rules(store_, 1000)}, {"base_version", 0}}).status, 201);
  ASSERT_TRUE(live(1));
  // Version 2 changes the earn rule, and this setiad does not hear of it:
  // saved with the notification trigger off, in one transaction, as if the
  // NOTIFY were still on its way (another machine's save, a listener
  // reconnecting).
  const std::string v2 = own_rules(store_, 500);
  const std::string v2_hash = rules::version_hash(v2);  // named: SOCI reads it after the expression
  {
    auto sql = db();
    soci::transaction tx(*sql);
    *sql << "ALTER TABLE rule_versions DISABLE TRIGGER rule_versions_notify";
    *sql << "INSERT INTO rule_versions (store_id, version, yaml, hash, source, actor) "
            "VALUES (:s, 2, :y, :h, 'cli', 'cli:test')",
        soci::use(store_), soci::use(v2), soci::use(v2_hash);
    *sql << "ALTER TABLE rule_versions ENABLE TRIGGER rule_versions_notify";
    tx.commit();
  }
  auto now = store_rules(owner_);
  EXPECT_EQ(now["version"], 2);
  EXPECT_EQ(now["live_version"], 1) << "the test needs this setiad to still run version 1";
  EXPECT_EQ(now["yaml"], v2) << "the text offered for editing is the base's, not the one in force";

  // A promo edited on version 2: version 3 keeps version 2's earn rule.
  json promos = now["sections"]["promos"];
  promos[0]["title"] = "Diskon 10% Natal";
  auto saved = save({{"sections", {{"promos", promos}}}, {"base_version", 2}});
  ASSERT_EQ(saved.status, 201) << saved.body;
  auto v3 = http().get("/v1/admin/rules/versions/3", owner_);
  ASSERT_EQ(v3.status, 200) << v3.body;
  const auto text = v3.json()["yaml"].get<std::string>();
  EXPECT_NE(text.find("per_amount: 500"), std::string::npos) << text;
  EXPECT_NE(text.find("Diskon 10% Natal"), std::string::npos) << text;
}

}  // namespace
}  // namespace setia::it
