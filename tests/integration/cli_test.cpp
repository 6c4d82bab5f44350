// setiad --check-config, setiactl rules check and member add as an operator
// runs them, and SIGHUP reload against the running daemon.
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "adapters/pos/pos_client.h"
#include "harness.h"

namespace setia::it {
namespace {

using nlohmann::json;

TEST(CheckConfig, ShippedConfigIsValid) {
  // The shipped config names its rules dir relative to the repo root.
  std::ifstream in(std::string(SETIA_SOURCE_DIR) + "/config/setiad.yaml");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  auto pos = text.find("dir: config/rules");
  ASSERT_NE(pos, std::string::npos);
  text.replace(pos, 17, "dir: " + std::string(SETIA_SOURCE_DIR) + "/config/rules");
  TempDir d;
  d.write("setiad.yaml", text);
  auto r = run({SETIAD_PATH, "--config", (d.path() / "setiad.yaml").string(), "--check-config"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("OK; 2 rule file(s)"), std::string::npos) << r.out;
}

TEST(CheckConfig, UnknownKeysAndBadValuesNameFileLineColumn) {
  TempDir d;
  d.write("rules/x.yaml", "version: 1\nstore: \"*\"\ntimezone: Asia/Jakarta\n");
  d.write("setiad.yaml",
          "mqtt:\n  uri: tcp://127.0.0.1:1\n  clientid: x\n  keepalive_s: 1\ndatabase:\n"
          "  conninfo: \"host=x password=secret\"\nrules:\n  dir: " +
              (d.path() / "rules").string() + "\n");
  auto cfg = (d.path() / "setiad.yaml").string();
  auto r = run({SETIAD_PATH, "--config", cfg, "--check-config"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(cfg + ":3:3: unknown key 'clientid' in mqtt"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(cfg + ":4:16: mqtt.keepalive_s must be between 5 and 3600, got 1"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(cfg + ":6:13: database.conninfo must not hold a password"), std::string::npos) << r.err;
}

TEST(CheckConfig, ABrokenRuleFileFailsTheCheck) {
  TempDir d;
  d.write("rules/x.yaml",
          "version: 1\nstore: \"*\"\ntimezone: Asia/Jakarta\npoints:\n  earn:\n    - {name: b, per_amount: 0}\n");
  d.write("setiad.yaml", "rules:\n  dir: " + (d.path() / "rules").string() + "\n");
  auto r = run({SETIAD_PATH, "--config", (d.path() / "setiad.yaml").string(), "--check-config"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("x.yaml:6:29: points.earn[0].per_amount must be between 1 and"), std::string::npos) << r.err;
}

TEST(RulesCheck, ShippedRulesPassAndBrokenOnesExitOne) {
  auto ok = run({SETIACTL_PATH, "rules", "check", std::string(SETIA_SOURCE_DIR) + "/config/rules/marikh-salatiga.yaml",
                 std::string(SETIA_SOURCE_DIR) + "/config/rules/default.yaml"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.out.find("marikh-salatiga.yaml: OK"), std::string::npos);
  TempDir d;
  d.write("bad.yaml", "version: 1\nstore: x\ntimezone: Asia/Jakarta\nbogus: 1\n");
  auto bad = run({SETIACTL_PATH, "rules", "check", (d.path() / "bad.yaml").string()});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("bad.yaml:4:1: unknown key 'bogus'"), std::string::npos) << bad.err;
}

TEST(MemberAdd, ValidatesAndRefusesDuplicatePhones) {
  Daemon d({});
  migrate(d);
  auto store = unique("toko");
  auto code = add_member(d, store, "Ocha", "081299999999");
  EXPECT_EQ(code.size(), 12u) << code;  // TOK-XXXXXXXX
  auto dup = run({SETIACTL_PATH, "--config", d.config_path(), "member", "add", "--store", store, "--name", "Other",
                  "--phone", "081299999999"});
  EXPECT_EQ(dup.exit_code, 1);
  EXPECT_NE(dup.err.find("phone is already registered"), std::string::npos) << dup.err;
  auto bad = run({SETIACTL_PATH, "--config", d.config_path(), "member", "add", "--store", store, "--name", "X",
                  "--phone", "12", "--birth-date", "2001-02-29"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("phone must be"), std::string::npos) << bad.err;
  auto shown = run({SETIACTL_PATH, "--config", d.config_path(), "member", "show", code});
  ASSERT_EQ(shown.exit_code, 0);
  auto j = json::parse(shown.out);
  EXPECT_EQ(j["store"], store);
  EXPECT_EQ(j["points"], 0);
}

// Members of every age: setiactl member add takes birth dates from
// 1900-01-01 to today and refuses the future and earlier years, saying why.
TEST(MemberAdd, TakesBirthDatesFrom1900ToTodayAndRefusesTheFuture) {
  Daemon d({});
  migrate(d);
  auto store = unique("toko");
  auto add = [&](const std::string& phone, const std::string& birth) {
    return run({SETIACTL_PATH, "--config", d.config_path(), "member", "add", "--store", store, "--name", "Oma",
                "--phone", phone, "--birth-date", birth});
  };
  auto oma = add("081277700001", "1965-04-02");
  ASSERT_EQ(oma.exit_code, 0) << oma.err;
  auto shown =
      run({SETIACTL_PATH, "--config", d.config_path(), "member", "show", oma.out.substr(0, oma.out.find('\n'))});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_EQ(json::parse(shown.out)["birth_date"], "1965-04-02");
  EXPECT_EQ(add("081277700002", "1900-01-01").exit_code, 0);
  auto too_old = add("081277700003", "1899-12-31");
  EXPECT_EQ(too_old.exit_code, 1);
  EXPECT_NE(too_old.err.find("1900-01-01 or later"), std::string::npos) << too_old.err;
  auto future = add("081277700004", "2999-01-01");
  EXPECT_EQ(future.exit_code, 1);
  EXPECT_NE(future.err.find("must not be in the future"), std::string::npos) << future.err;
  auto not_a_date = add("081277700005", "2001-02-29");
  EXPECT_EQ(not_a_date.exit_code, 1);
  EXPECT_NE(not_a_date.err.find("real date"), std::string::npos) << not_a_date.err;
}

// A till's junk is bytes: the dead-letter listing must show a payload that
// is not UTF-8 or holds a NUL, not fail on it.
TEST(DeadLetterList, ShowsPayloadsThatAreNotUtf8OrHoldANul) {
  Daemon d({});
  migrate(d);
  d.start();
  auto store = unique("toko");
  const std::string prefix = d.options().topic_prefix;
  Probe probe({prefix + "/" + store + "/deadletter"});
  probe.publish(prefix + "/" + store + "/pos/sale", std::string("kopi \xff\xfe susu", 12));
  probe.publish(prefix + "/" + store + "/pos/sale", std::string("teh\0manis", 9));
  ASSERT_EQ(probe.wait("/deadletter", 2).size(), 2u);
  auto listed = run({SETIACTL_PATH, "--config", d.config_path(), "deadletter", "list", "--store", store});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  std::vector<json> rows;
  std::istringstream lines(listed.out);
  for (std::string line; std::getline(lines, line);) rows.push_back(json::parse(line));
  ASSERT_EQ(rows.size(), 2u) << listed.out;
  EXPECT_EQ(rows[0]["payload"], std::string("teh\0manis", 9)) << "newest first, the NUL kept";
  EXPECT_EQ(rows[1]["payload"], "kopi \xEF\xBF\xBD\xEF\xBF\xBD susu") << "each byte that is not UTF-8 is U+FFFD";
  EXPECT_EQ(rows[0]["store"], store);
  EXPECT_FALSE(rows[0]["reason"].get<std::string>().empty());
  EXPECT_TRUE(rows[0]["received_at"].get<std::string>().ends_with("Z")) << rows[0];
  auto bad = run({SETIACTL_PATH, "--config", d.config_path(), "deadletter", "list", "--limit", "0"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--limit"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("1 to 1000"), std::string::npos) << bad.err;
}

// Every command has a generated --help and refuses an option it does not
// know with a usage error that names it (setiactl on CLI11).
TEST(Setiactl, EveryCommandHasHelpAndRefusesWhatItDoesNotKnow) {
  // Each command's words, then what it requires, so that the unknown
  // option is the one thing wrong.
  const std::vector<std::pair<std::vector<std::string>, std::vector<std::string>>> commands = {
      {{"db", "migrate"}, {}},
      {{"pos", "send"}, {"--store", "s", "f.jsonl"}},
      {{"deadletter", "list"}, {}},
      {{"sale", "show"}, {"--store", "s", "--receipt", "r"}},
      {{"device", "add"}, {"--member", "m", "--token", "t"}},
      {{"device", "remove"}, {"--token", "t"}},
      {{"outbox", "list"}, {}},
      {{"outbox", "replay"}, {"1"}},
      {{"member", "add"}, {"--store", "s", "--name", "n", "--phone", "p"}},
      {{"member", "show"}, {"CODE"}},
      {{"member", "export"}, {"CODE"}},
      {{"member", "erase"}, {"CODE", "--reason", "r"}},
      {{"member", "consents"}, {"CODE"}},
      {{"voucher", "issue"}, {"--store", "s", "--amount-off", "1000"}},
      {{"voucher", "show"}, {"CODE"}},
      {{"voucher", "void"}, {"CODE"}},
      {{"rewards", "list"}, {"--store", "s"}},
      {{"reward", "redeem"}, {"--member", "m", "--reward", "r"}},
      {{"promos", "list"}, {"--store", "s"}},
      {{"promo", "claim"}, {"--member", "m", "--promo", "p"}},
      {{"points", "show"}, {"CODE"}},
      {{"points", "adjust"}, {"--member", "m", "--points", "1", "--reason", "r"}},
      {{"points", "expire"}, {}},
      {{"rules", "check"}, {}},
      {{"rules", "simulate"}, {"--event", "e.json"}},
      {{"rules", "backtest"}, {"--rules", "dir"}},
      {{"admin", "token", "create"}, {"--all"}}};
  const std::string listed = run({SETIACTL_PATH, "help"}).out;
  for (const auto& [words, required] : commands) {
    std::string name;
    for (const auto& w : words) name += (name.empty() ? "" : " ") + w;
    std::vector<std::string> help = {SETIACTL_PATH};
    help.insert(help.end(), words.begin(), words.end());
    auto bogus = help;
    help.emplace_back("--help");
    bogus.insert(bogus.end(), required.begin(), required.end());
    bogus.insert(bogus.end(), {"--bogus", "1"});
    auto h = run(help);
    EXPECT_EQ(h.exit_code, 0) << name << ": " << h.err;
    EXPECT_NE(h.out.find("Usage: setiactl " + name), std::string::npos) << name << ":\n" << h.out;
    EXPECT_NE(listed.find("  setiactl " + name + " "), std::string::npos) << "setiactl help lists " << name;
    auto b = run(bogus);
    EXPECT_EQ(b.exit_code, 2) << name << ": " << b.err;
    EXPECT_NE(b.err.find("--bogus"), std::string::npos) << name << ": " << b.err;
  }
  auto typed = run({SETIACTL_PATH, "points", "adjust", "--member", "X", "--points", "lima", "--reason", "r"});
  EXPECT_EQ(typed.exit_code, 2) << "--points takes a whole number";
  EXPECT_NE(typed.err.find("--points"), std::string::npos) << typed.err;
}

TEST(Reload, SighupSwapsValidRulesAndKeepsTheOldOnesOnError) {
  Daemon d({});
  migrate(d);
  d.start();
  auto store = unique("toko");
  auto code = add_member(d, store, "Rina", "081288888888");
  adapters::pos::PosOptions o;
  o.mqtt = d.mqtt_config(unique("pos"));
  adapters::pos::PosClient pos(o);
  ASSERT_TRUE(pos.connect());
  int n = 0;
  auto earn = [&]() -> long long {
    auto s = sale(store, "reload-" + std::to_string(n), "RL-" + std::to_string(n), 1, 52000, code);
    ++n;
    long long earned = -1;
    pos.send({{store, s["event_id"], "sale", s.dump()}}, [&](const adapters::pos::PosResult& r) {
      earned = json::parse(r.result_json)["member"]["points_earned"];
    });
    return earned;
  };
  EXPECT_EQ(earn(), 52);
  const std::string file = d.rules_dir() + "/default.yaml";
  std::ofstream(file) << "version: 1\nstore: \"*\"\ntimezone: Asia/Jakarta\npoints:\n  earn:\n"
                         "    - {name: base, per_amount: 0}\n"
                      << kTestSalesWindow;
  auto mark = d.log().size();
  d.signal(SIGHUP);
  ASSERT_TRUE(d.wait_for_log("broken rule files", std::chrono::seconds(10), mark)) << d.log();
  EXPECT_EQ(earn(), 52) << "a broken file must leave its store's rules in force";
  std::ofstream(file) << "version: 1\nstore: \"*\"\ntimezone: Asia/Jakarta\npoints:\n  earn:\n"
                         "    - {name: double, per_amount: 500}\n"
                      << kTestSalesWindow;
  mark = d.log().size();
  d.signal(SIGHUP);
  ASSERT_TRUE(d.wait_for_log("reloaded 1 rule file(s)", std::chrono::seconds(10), mark)) << d.log();
  EXPECT_EQ(earn(), 104) << "the fixed file applies to the next sale";
}

// Each store's rules stand alone: at start a store whose file is broken
// gets dead letters (rules_unavailable), not the default's rules, while
// every other store runs; a reload that fixes it lets the store in.
TEST(Reload, AStoreWhoseFileIsBrokenAtStartGetsDeadLettersAndTheOthersRun) {
  Daemon d({});
  auto broken = unique("rusak"), fine = unique("toko");
  std::ofstream(d.rules_dir() + "/" + broken + ".yaml")
      << "version: 1\nstore: " << broken
      << "\ntimezone: Asia/Jakarta\npoints:\n  earn:\n    - {name: b, per_amount: 0}\n";
  migrate(d);
  d.start();
  EXPECT_NE(d.log().find(broken + " (unavailable)"), std::string::npos) << d.log();
  auto code = add_member(d, fine, "Rina", "081288880000");
  adapters::pos::PosOptions o;
  o.mqtt = d.mqtt_config(unique("pos"));
  adapters::pos::PosClient pos(o);
  ASSERT_TRUE(pos.connect());
  auto send = [&](const std::string& store, const std::string& id) {
    json result;
    auto s = sale(store, id, "R-" + id, 1, 52000, store == fine ? code : "");
    pos.send({{store, s["event_id"], "sale", s.dump()}},
             [&](const adapters::pos::PosResult& r) { result = json::parse(r.result_json); });
    return result;
  };
  auto ok = send(fine, unique("fine"));
  EXPECT_EQ(ok["status"], "applied") << ok;
  EXPECT_EQ(ok["member"]["points_earned"], 52);
  auto refused = send(broken, unique("refused"));
  EXPECT_EQ(refused["status"], "rejected") << refused;
  EXPECT_EQ(refused["reason"], "rules_unavailable");
  auto sql = db();
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM dead_letters WHERE store_id = '" + broken +
                             "' AND reason = 'rules_unavailable'"),
            1);
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM sales WHERE store_id = '" + broken + "'"), 0);
  // `setiactl rules check` names the store and exits 1.
  auto check = run({SETIACTL_PATH, "--config", d.config_path(), "rules", "check"});
  EXPECT_EQ(check.exit_code, 1);
  EXPECT_NE(check.out.find("store " + broken + ": BROKEN"), std::string::npos) << check.out;
  // Fixed: the store's next sale is applied.
  std::ofstream(d.rules_dir() + "/" + broken + ".yaml")
      << "version: 1\nstore: " << broken
      << "\ntimezone: Asia/Jakarta\npoints:\n  earn:\n    - {name: b, per_amount: 1000}\n"
      << kTestSalesWindow;
  auto mark = d.log().size();
  d.signal(SIGHUP);
  ASSERT_TRUE(d.wait_for_log("reloaded 2 rule file(s)", std::chrono::seconds(10), mark)) << d.log();
  EXPECT_EQ(send(broken, unique("later"))["status"], "applied");
}

}  // namespace
}  // namespace setia::it

namespace setia::it {
namespace {

long long earn_one(adapters::pos::PosClient& pos, const std::string& store, const std::string& id,
                   const std::string& code) {
  auto s = sale(store, id, "R-" + id, 1, 52000, code);
  long long earned = -1;
  pos.send({{store, id, "sale", s.dump()}}, [&](const adapters::pos::PosResult& r) {
    earned = nlohmann::json::parse(r.result_json)["member"]["points_earned"];
  });
  return earned;
}

TEST(Reload, AChangedRuleFileIsPickedUpWithoutASignal) {
  Daemon d({});
  migrate(d);
  d.start();
  auto store = unique("toko");
  auto code = add_member(d, store, "Wati", "081266660001");
  adapters::pos::PosOptions o;
  o.mqtt = d.mqtt_config(unique("pos"));
  adapters::pos::PosClient pos(o);
  ASSERT_TRUE(pos.connect());
  EXPECT_EQ(earn_one(pos, store, "w1", code), 52);
  auto mark = d.log().size();
  std::ofstream(d.rules_dir() + "/default.yaml")
      << "version: 1\nstore: \"*\"\ntimezone: Asia/Jakarta\npoints:\n  earn:\n"
         "    - {name: triple, per_amount: 1000, points: 3}\n"
      << kTestSalesWindow;
  ASSERT_TRUE(d.wait_for_log("reloaded 1 rule file(s)", std::chrono::seconds(10), mark)) << d.log();
  EXPECT_EQ(earn_one(pos, store, "w2", code), 156);
}

TEST(RulesSimulate, SaysWhatASaleWouldEarnAndWhy) {
  TempDir t;
  nlohmann::json s = sale("marikh-salatiga", "sim-1", "20200505234", 4, 13000);
  s["occurred_at"] = "2020-05-27T11:11:00+07:00";
  t.write("sale.json", s.dump());
  auto r = run({SETIACTL_PATH, "rules", "simulate", "--event", (t.path() / "sale.json").string(), "--rules",
                std::string(SETIA_SOURCE_DIR) + "/config/rules"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["decision"]["points"], 52);
  EXPECT_EQ(j["decision"]["rules"], nlohmann::json::array({"base"}));
  EXPECT_NE(j["rule_file"].get<std::string>().find("marikh-salatiga.yaml"), std::string::npos);
}

TEST(RulesBacktest, ComparesThePeriodUnderCandidateRules) {
  Daemon d({});
  migrate(d);
  d.start();
  auto store = unique("toko");
  auto code = add_member(d, store, "Yanti", "081266660002");
  adapters::pos::PosOptions o;
  o.mqtt = d.mqtt_config(unique("pos"));
  adapters::pos::PosClient pos(o);
  ASSERT_TRUE(pos.connect());
  std::vector<adapters::pos::PosEvent> ev;
  for (int i = 0; i < 3; ++i) {
    auto s = sale(store, "bt-" + std::to_string(i), "BT-" + std::to_string(i), 1, 52000, code);
    s["occurred_at"] = utc_text(std::time(nullptr) - 60);  // inside the period, "30 days back from now"
    ev.push_back({store, s["event_id"], "sale", s.dump()});
  }
  ASSERT_EQ(pos.send(ev).applied, 3u);
  TempDir cand;
  cand.write("default.yaml",
             "version: 1\nstore: \"*\"\ntimezone: Asia/Jakarta\npoints:\n  earn:\n"
             "    - {name: half, per_amount: 500}\n");
  auto r = run({SETIACTL_PATH, "--config", d.config_path(), "rules", "backtest", "--rules", cand.path().string(),
                "--since", "30d", "--point-value", "100"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  nlohmann::json mine;
  for (const auto& s : j["stores"]) {
    if (s["store"] == store) mine = s;
  }
  ASSERT_FALSE(mine.is_null()) << r.out;
  EXPECT_EQ(mine["member_sales"], 3);
  EXPECT_EQ(mine["points_issued"], 156);
  EXPECT_EQ(mine["points_now_rules"], 156);
  EXPECT_EQ(mine["points_candidate"], 312);
  EXPECT_EQ(mine["liability_change_rupiah"], 156 * 100);
}

TEST(SaleShow, PrintsTheRecordedSaleOfAReceipt) {
  Daemon d({});
  migrate(d);
  d.start();
  auto store = unique("toko");
  auto code = add_member(d, store, "Sari", "081266660003");
  adapters::pos::PosOptions o;
  o.mqtt = d.mqtt_config(unique("pos"));
  adapters::pos::PosClient pos(o);
  ASSERT_TRUE(pos.connect());
  auto s = sale(store, "show-1", "SH-1", 2, 26000, code);
  s["cashier"] = "Dewi";
  ASSERT_EQ(pos.send({{store, "show-1", "sale", s.dump()}}).applied, 1u);
  auto r = run({SETIACTL_PATH, "--config", d.config_path(), "sale", "show", "--store", store, "--receipt", "SH-1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["store"], store);
  EXPECT_EQ(j["receipt_no"], "SH-1");
  EXPECT_EQ(j["occurred_at"], "2026-11-23T03:00:00Z");
  EXPECT_EQ(j["member"], code);
  EXPECT_EQ(j["cashier"], "Dewi");
  EXPECT_EQ(j["total"], 52000);
  EXPECT_EQ(j["points_earned"], 52);
  ASSERT_EQ(j["items"].size(), 1u) << r.out;
  EXPECT_EQ(j["items"][0]["name"], "Nasi Cakalang");
  EXPECT_EQ(j["items"][0]["qty"], 2);
  EXPECT_EQ(j["items"][0]["amount"], 52000);
  auto other =
      run({SETIACTL_PATH, "--config", d.config_path(), "sale", "show", "--store", unique("lain"), "--receipt", "SH-1"});
  EXPECT_EQ(other.exit_code, 1) << "a receipt is found in its own store only";
  EXPECT_NE(other.err.find("no sale SH-1 in store"), std::string::npos) << other.err;
}

}  // namespace
}  // namespace setia::it
