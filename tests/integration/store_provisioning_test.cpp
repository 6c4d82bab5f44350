// setiactl store add|disable|enable|list as an operator of a hosted Setia
// runs them, against a running setiad (the broker accounts they make:
// broker_isolation_test.cpp).
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "adapters/pos/pos_client.h"
#include "harness.h"

namespace setia::it {
namespace {

using nlohmann::json;

const std::string kShippedTemplate = std::string(SETIA_SOURCE_DIR) + "/config/store-template.yaml";

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class StoreCommands : public ::testing::Test {
 protected:
  void SetUp() override {
    templates_.write("template.yaml", read_text(kShippedTemplate));
    daemon_ = std::make_unique<Daemon>(Daemon::Options{.extra_yaml = "stores:\n  template: " + template_path() + "\n"});
    migrate(*daemon_);
    daemon_->start();
    o_.mqtt = daemon_->mqtt_config(unique("pos"));
    pos_ = std::make_unique<adapters::pos::PosClient>(o_);
    ASSERT_TRUE(pos_->connect());
  }

  std::string template_path() const { return (templates_.path() / "template.yaml").string(); }

  CommandResult setiactl(std::vector<std::string> args) {
    args.insert(args.begin(), {SETIACTL_PATH, "--config", daemon_->config_path()});
    return run(args);
  }

  // A sale of today (within the template's sales.past_days), its result.
  json send(const std::string& store) {
    const auto id = unique("e");
    auto s = sale(store, id, "R-" + id, 1, 52000);
    s["occurred_at"] = utc_text(std::time(nullptr) - 60);
    json result;
    pos_->send({{store, id, "sale", s.dump()}},
               [&](const adapters::pos::PosResult& r) { result = json::parse(r.result_json); });
    return result;
  }

  TempDir templates_;
  std::unique_ptr<Daemon> daemon_;
  adapters::pos::PosOptions o_;
  std::unique_ptr<adapters::pos::PosClient> pos_;
};

// One step makes the store: its rule file from the template (checked, the
// daemon loads it), its record, its owner's admin token; a second add, a
// bad id and a template that is not a valid rule file change nothing.
TEST_F(StoreCommands, AddMakesACheckedRuleFileTheRecordAndAnAdminToken) {
  const auto store = unique("kopi");
  auto mark = daemon_->log().size();
  auto added = setiactl({"store", "add", store});
  ASSERT_EQ(added.exit_code, 0) << added.out << added.err;
  const auto file = daemon_->rules_dir() + "/" + store + ".yaml";
  EXPECT_NE(added.out.find("rule file     " + file + " (from " + template_path() + ", checked)"), std::string::npos)
      << added.out;
  EXPECT_NE(added.out.find("no stores.broker_command"), std::string::npos) << added.out;
  EXPECT_NE(read_text(file).find("store: " + store + "\n"), std::string::npos);
  // The daemon's reload takes the new file.
  ASSERT_TRUE(daemon_->wait_for_log("reloaded 2 rule file(s)", std::chrono::seconds(10), mark)) << daemon_->log();
  auto result = send(store);
  EXPECT_EQ(result["status"], "applied") << result;
  auto sql = db();
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM stores WHERE store_id = '" + store + "' AND disabled_at IS NULL"), 1);
  // The token printed is the store's admin: it names the store.
  auto at = added.out.find("admin token   ");
  ASSERT_NE(at, std::string::npos) << added.out;
  EXPECT_NE(added.out.find("(store " + store + ", valid 90 days)", at), std::string::npos) << added.out;

  // Disabled, the shop keeps no admin access: its owner's token ends.
  auto disabled = setiactl({"store", "disable", store, "--reason", "tutup"});
  ASSERT_EQ(disabled.exit_code, 0) << disabled.err;
  EXPECT_NE(disabled.out.find("admin tokens  1 ended"), std::string::npos) << disabled.out;
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM api_tokens WHERE role = 'admin' AND store_id = '" + store + "'"), 0);

  auto again = setiactl({"store", "add", store});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("store " + store + " exists already"), std::string::npos) << again.err;

  auto bad_id = setiactl({"store", "add", "Kopi_Senja"});
  EXPECT_EQ(bad_id.exit_code, 2);
  EXPECT_NE(bad_id.err.find("must match [a-z0-9][a-z0-9-]{0,62}"), std::string::npos) << bad_id.err;

  templates_.write("template.yaml", read_text(kShippedTemplate) + "bogus: 1\n");
  const auto other = unique("kopi");
  auto broken = setiactl({"store", "add", other});
  EXPECT_EQ(broken.exit_code, 1);
  EXPECT_NE(broken.err.find("is not a valid rule file; nothing was written"), std::string::npos) << broken.err;
  EXPECT_NE(broken.err.find("unknown key 'bogus'"), std::string::npos) << broken.err;
  EXPECT_FALSE(std::filesystem::exists(daemon_->rules_dir() + "/" + other + ".yaml"));
  EXPECT_FALSE(std::filesystem::exists(daemon_->rules_dir() + "/." + other + ".yaml.new"));
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM stores WHERE store_id = '" + other + "'"), 0);
}

// A disabled store's events become dead letters with the operator's
// reason, within seconds, in a running setiad; the other stores go on;
// enabled again, its sales are applied.
TEST_F(StoreCommands, DisableTurnsTheStoresEventsIntoDeadLettersAndEnableLetsItBack) {
  const auto store = unique("toko"), other = unique("toko");
  EXPECT_EQ(send(store)["status"], "applied");

  auto mark = daemon_->log().size();
  auto disabled = setiactl({"store", "disable", store, "--reason", "till dicuri"});
  ASSERT_EQ(disabled.exit_code, 0) << disabled.err;
  EXPECT_NE(disabled.out.find("store         " + store + " disabled\n"), std::string::npos) << disabled.out;
  ASSERT_TRUE(daemon_->wait_for_log("store " + store + " is disabled (till dicuri)", std::chrono::seconds(15), mark))
      << daemon_->log();
  auto refused = send(store);
  EXPECT_EQ(refused["status"], "rejected") << refused;
  EXPECT_EQ(refused["reason"], "store_disabled");
  EXPECT_NE(refused["detail"].get<std::string>().find("till dicuri"), std::string::npos) << refused;
  EXPECT_EQ(send(other)["status"], "applied");
  auto sql = db();
  EXPECT_EQ(
      scalar(*sql, "SELECT count(*) FROM dead_letters WHERE store_id = '" + store + "' AND reason = 'store_disabled'"),
      1);
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM sales WHERE store_id = '" + store + "'"), 1);

  auto list = setiactl({"store", "list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  auto line = list.out.substr(list.out.find(store));
  line = line.substr(0, line.find('\n'));
  EXPECT_NE(line.find("DISABLED"), std::string::npos) << list.out;
  EXPECT_NE(line.find("till dicuri"), std::string::npos) << list.out;

  auto twice = setiactl({"store", "disable", store, "--reason", "again"});
  EXPECT_EQ(twice.exit_code, 0);
  EXPECT_NE(twice.out.find("(it was already)"), std::string::npos) << twice.out;
  auto no_reason = setiactl({"store", "disable", store, "--reason", ""});
  EXPECT_EQ(no_reason.exit_code, 2) << no_reason.err;

  mark = daemon_->log().size();
  auto enabled = setiactl({"store", "enable", store});
  ASSERT_EQ(enabled.exit_code, 0) << enabled.err;
  ASSERT_TRUE(daemon_->wait_for_log("store " + store + " is enabled again", std::chrono::seconds(15), mark))
      << daemon_->log();
  EXPECT_EQ(send(store)["status"], "applied");
}

// A restart does not apply a disabled store's backlog: the set is read
// before the first message.
TEST_F(StoreCommands, ADisabledStoreStaysDisabledAcrossARestart) {
  const auto store = unique("toko");
  ASSERT_EQ(setiactl({"store", "disable", store, "--reason", "tutup"}).exit_code, 0);
  daemon_->signal(SIGTERM);
  ASSERT_EQ(daemon_->wait_exit(), 0);
  // Only the restarted daemon's lines: the first one may have read the
  // disable in its 5 s poll before it stopped.
  const auto mark = daemon_->log().size();
  daemon_->start();
  EXPECT_NE(daemon_->log().find("store " + store + " is disabled (tutup)", mark), std::string::npos) << daemon_->log();
  EXPECT_EQ(send(store)["reason"], "store_disabled");
}

}  // namespace
}  // namespace setia::it
