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
  d.write("setiad.yaml", "mqtt:\n  uri: tcp://127.0.0.1:1\n  clientid: x\n  keepalive_s: 1\ndatabase:\n"
                         "  conninfo: \"host=x password=secret\"\nrules:\n  dir: " + (d.path() / "rules").string() + "\n");
  auto cfg = (d.path() / "setiad.yaml").string();
  auto r = run({SETIAD_PATH, "--config", cfg, "--check-config"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(cfg + ":3:3: unknown key 'clientid' in mqtt"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(cfg + ":4:16: mqtt.keepalive_s must be between 5 and 3600, got 1"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(cfg + ":6:13: database.conninfo must not hold a password"), std::string::npos) << r.err;
}

TEST(CheckConfig, ABrokenRuleFileFailsTheCheck) {
  TempDir d;
  d.write("rules/x.yaml", "version: 1\nstore: \"*\"\ntimezone: Asia/Jakarta\npoints:\n  earn:\n    - {name: b, per_amount: 0}\n");
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
                         "    - {name: base, per_amount: 0}\n";
  auto mark = d.log().size();
  d.signal(SIGHUP);
  ASSERT_TRUE(d.wait_for_log("reload failed", std::chrono::seconds(10), mark)) << d.log();
  EXPECT_EQ(earn(), 52) << "a broken file must leave the old rules in force";
  std::ofstream(file) << "version: 1\nstore: \"*\"\ntimezone: Asia/Jakarta\npoints:\n  earn:\n"
                         "    - {name: double, per_amount: 500}\n";
  mark = d.log().size();
  d.signal(SIGHUP);
  ASSERT_TRUE(d.wait_for_log("reloaded 1 rule file(s)", std::chrono::seconds(10), mark)) << d.log();
  EXPECT_EQ(earn(), 104) << "the fixed file applies to the next sale";
}

}  // namespace
}  // namespace setia::it
