// A hosted Setia on a broker configured as deploy/ ships it (the dynamic
// security plugin, accounts made by deploy/mosquitto/setia-dynsec.sh):
// each attack a till of store A could try on store B or on setiad, tried;
// each must fail, and nothing of B may be lost or read.
#include <ctime>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include <mqtt/async_client.h>

#include "harness.h"
#include "secured_broker.h"

namespace setia::it {
namespace {

using namespace std::chrono_literals;

constexpr int kNotAuthorized = 135;  // MQTT v5 reason code 0x87

// One MQTT v5 connection with an account: every operation returns the
// broker's reason code (0 granted or accepted, >= 0x80 refused).
class Client {
 public:
  Client(const std::string& uri, const std::string& client_id, const std::string& user, const std::string& password)
      : client_(uri, client_id, ::mqtt::create_options(MQTTVERSION_5)), user_(user), password_(password) {
    client_.set_message_callback([this](const ::mqtt::const_message_ptr& m) {
      std::lock_guard lock(mu_);
      got_.emplace_back(m->get_topic(), m->get_payload_str());
    });
  }
  ~Client() {
    try {
      if (client_.is_connected()) client_.disconnect()->wait_for(5s);
    } catch (...) {
    }
  }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  int connect() {
    auto opts = ::mqtt::connect_options_builder()
                    .mqtt_version(MQTTVERSION_5)
                    .clean_start(true)
                    .user_name(user_)
                    .password(password_)
                    .finalize();
    return code_of([&] { return client_.connect(opts); });
  }
  int subscribe(const std::string& filter) {
    return code_of([&] { return client_.subscribe(filter, 1); });
  }
  int publish(const std::string& topic, const std::string& payload, const std::string& response_topic = "") {
    auto msg = ::mqtt::make_message(topic, payload, 1, false);
    if (!response_topic.empty()) {
      ::mqtt::properties props;
      props.add({::mqtt::property::RESPONSE_TOPIC, response_topic});
      props.add({::mqtt::property::CORRELATION_DATA, std::string("c-1")});
      msg->set_properties(props);
    }
    return code_of([&] { return client_.publish(msg); });
  }
  bool connected() const { return client_.is_connected(); }
  std::vector<std::pair<std::string, std::string>> received() {
    std::lock_guard lock(mu_);
    return got_;
  }
  // Waits until `n` messages arrived on topics ending with `suffix`.
  std::size_t wait(const std::string& suffix, std::size_t n, std::chrono::seconds timeout = 30s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      std::size_t count = 0;
      for (const auto& [topic, payload] : received()) count += topic.ends_with(suffix) ? 1 : 0;
      if (count >= n || std::chrono::steady_clock::now() > deadline) return count;
      std::this_thread::sleep_for(50ms);
    }
  }

 private:
  template <class Op>
  static int code_of(Op&& op) {
    try {
      auto tok = op();
      if (!tok->wait_for(15s)) return -1;
      return 0;
    } catch (const ::mqtt::exception& e) {
      // paho reports a refusal's reason code in one or the other.
      return e.get_reason_code() != 0 ? e.get_reason_code() : e.get_return_code();
    }
  }

  ::mqtt::async_client client_;
  std::string user_, password_;
  std::mutex mu_;
  std::vector<std::pair<std::string, std::string>> got_;
};

class BrokerIsolation : public ::testing::Test {
 protected:
  void SetUp() override {
    broker_ = std::make_unique<SecuredBroker>(prefix_);
    a_pw_ = broker_->add_till(a_, "1");
    b_pw_ = broker_->add_till(b_, "1");
    daemon_ = std::make_unique<Daemon>(Daemon::Options{.topic_prefix = prefix_,
                                                       .client_id = "setiad-1",
                                                       .shared_group = "setia",
                                                       .mqtt_uri = broker_->uri(),
                                                       .mqtt_username = "setiad",
                                                       .mqtt_password_file = broker_->add_daemon("setiad", "setia")});
    migrate(*daemon_);
    daemon_->start();
  }

  std::unique_ptr<Client> till(const std::string& store, const std::string& password, std::string client_id = "") {
    if (client_id.empty()) client_id = store + ".1";
    return std::make_unique<Client>(broker_->uri(), client_id, store + ".1", password);
  }
  std::string topic(const std::string& store, const std::string& rest) const {
    return prefix_ + "/" + store + "/" + rest;
  }
  long long sales_of(const std::string& store) {
    auto sql = db();
    return scalar(*sql, "SELECT count(*) FROM sales WHERE store_id = '" + store + "'");
  }
  // B's till sends `n` sales and waits for their results: everything A did
  // before has been taken by setiad by then (one delivery thread, in order).
  void b_sells(Client& b, int n, const std::string& tag) {
    for (int i = 0; i < n; ++i) {
      auto id = tag + "-" + std::to_string(i);
      ASSERT_EQ(b.publish(topic(b_, "pos/sale"), sale(b_, id, "R-" + id, 1, 10000).dump()), 0);
    }
  }

  std::string prefix_ = unique("iso");
  std::string a_ = unique("store-a"), b_ = unique("store-b");
  std::unique_ptr<SecuredBroker> broker_;
  std::string a_pw_, b_pw_;
  std::unique_ptr<Daemon> daemon_;
};

TEST_F(BrokerIsolation, AStoreCannotShareSetiadsSubscriptionAndLosesNoneOfAnothers) {
  auto a = till(a_, a_pw_);
  ASSERT_EQ(a->connect(), 0) << broker_->log();
  // The review's attack: a share of setiad's group. Refused when asked.
  EXPECT_EQ(a->subscribe("$share/setia/" + prefix_ + "/+/pos/sale"), kNotAuthorized);
  EXPECT_EQ(a->subscribe("$share/other/" + prefix_ + "/+/pos/sale"), kNotAuthorized);
  EXPECT_EQ(a->subscribe("$share/setia/" + topic(b_, "pos/sale")), kNotAuthorized);
  auto b = till(b_, b_pw_);
  ASSERT_EQ(b->connect(), 0);
  ASSERT_EQ(b->subscribe(topic(b_, "pos/result")), 0);
  b_sells(*b, 12, unique("share"));
  EXPECT_EQ(b->wait("/pos/result", 12), 12u) << daemon_->log();
  EXPECT_EQ(sales_of(b_), 12);
  EXPECT_TRUE(a->received().empty());
}

TEST_F(BrokerIsolation, NoTillCanTakeSetiadsOrAnotherTillsSession) {
  // A's account under setiad's client id, under B's till's, under one of
  // its own choosing: each connection refused, setiad's session untouched
  // (setiad logs each (re)connection: "connected to <uri> (...)").
  auto connections = [&] {
    auto log = daemon_->log();
    std::size_t n = 0;
    for (auto at = log.find("connected to "); at != std::string::npos; at = log.find("connected to ", at + 1)) ++n;
    return n;
  };
  auto before = connections();
  ASSERT_GE(before, 1u);
  for (const std::string& id : {std::string("setiad-1"), std::string("setiad-1-answers"), b_ + ".1", a_ + ".2"}) {
    SCOPED_TRACE(id);
    auto a = till(a_, a_pw_, id);
    EXPECT_EQ(a->connect(), kNotAuthorized);
  }
  // A wrong password under A's own id, and B's account with A's password.
  EXPECT_NE(std::make_unique<Client>(broker_->uri(), a_ + ".1", a_ + ".1", "wrong")->connect(), 0);
  EXPECT_NE(std::make_unique<Client>(broker_->uri(), b_ + ".1", b_ + ".1", a_pw_)->connect(), 0);
  auto b = till(b_, b_pw_);
  ASSERT_EQ(b->connect(), 0);
  ASSERT_EQ(b->subscribe(topic(b_, "pos/result")), 0);
  b_sells(*b, 5, unique("session"));
  EXPECT_EQ(b->wait("/pos/result", 5), 5u) << daemon_->log();
  EXPECT_EQ(sales_of(b_), 5);
  EXPECT_EQ(connections(), before) << daemon_->log();
  EXPECT_EQ(daemon_->log().find(" lost ("), std::string::npos) << daemon_->log();
}

// A setiad given a till's account connects but may not read the POS
// topics: the broker refuses its subscription (SUBACK 0x87), and the log
// says so, not that the broker cannot be reached.
TEST_F(BrokerIsolation, ADaemonWhoseAccountMayNotReadThePosTopicsSaysWhy) {
  TempDir secrets;
  secrets.write("till-password", a_pw_ + "\n");
  Daemon wrong(Daemon::Options{.topic_prefix = prefix_,
                               .client_id = a_ + ".1",
                               .shared_group = "setia",
                               .mqtt_uri = broker_->uri(),
                               .mqtt_username = a_ + ".1",
                               .mqtt_password_file = (secrets.path() / "till-password").string()});
  wrong.launch();
  EXPECT_TRUE(wrong.wait_for_log("refused setiad's subscription to $share/setia/" + prefix_ + "/+/pos/sale",
                                 std::chrono::seconds(30)))
      << wrong.log();
  EXPECT_EQ(wrong.log().find("cannot reach broker"), std::string::npos) << wrong.log();
}

TEST_F(BrokerIsolation, ATillPublishesAndReadsOnlyItsOwnStoresTopics) {
  auto a = till(a_, a_pw_);
  ASSERT_EQ(a->connect(), 0);
  for (const auto& filter :
       {topic(b_, "pos/result"), topic(b_, "deadletter"), topic(b_, "reply/#"), prefix_ + "/+/pos/result",
        prefix_ + "/#", std::string("#"), topic(a_, "#"), topic(a_, "pos/sale"), std::string("$SYS/#"),
        std::string("$CONTROL/dynamic-security/#")}) {
    SCOPED_TRACE(filter);
    EXPECT_EQ(a->subscribe(filter), kNotAuthorized);
  }
  for (const auto& filter : {topic(a_, "pos/result"), topic(a_, "deadletter"), topic(a_, "reply/till-1")}) {
    SCOPED_TRACE(filter);
    EXPECT_EQ(a->subscribe(filter), 0);
  }
  // A sale into B's stream, a forged result of B: refused by the broker
  // (each on a connection of its own: here, after one refused PUBLISH the
  // next one found the connection closed, MQTTASYNC_DISCONNECTED), never
  // seen by setiad.
  auto stolen = unique("stolen");
  for (const auto& [t, payload] : std::vector<std::pair<std::string, std::string>>{
           {topic(b_, "pos/sale"), sale(b_, stolen, "R-" + stolen, 1, 10000).dump()},
           {topic(b_, "pos/result"), R"({"schema":"setia.pos.result/1"})"},
           {topic(b_, "deadletter"), "{}"},
           {topic(a_, "pos/result"), R"({"schema":"setia.pos.result/1"})"}}) {
    SCOPED_TRACE(t);
    a = till(a_, a_pw_);
    ASSERT_EQ(a->connect(), 0);
    EXPECT_EQ(a->publish(t, payload), kNotAuthorized);
  }
  auto b = till(b_, b_pw_);
  ASSERT_EQ(b->connect(), 0);
  ASSERT_EQ(b->subscribe(topic(b_, "pos/result")), 0);
  b_sells(*b, 1, unique("own"));
  EXPECT_EQ(b->wait("/pos/result", 1), 1u);
  EXPECT_EQ(sales_of(b_), 1);
  EXPECT_EQ(b->received().size(), 1u);  // its own result only, nothing A sent
  // A's own sale goes through.
  a = till(a_, a_pw_);
  ASSERT_EQ(a->connect(), 0);
  ASSERT_EQ(a->subscribe(topic(a_, "pos/result")), 0);
  auto own = unique("a-own");
  EXPECT_EQ(a->publish(topic(a_, "pos/sale"), sale(a_, own, "R-" + own, 1, 10000).dump()), 0);
  EXPECT_EQ(a->wait("/pos/result", 1), 1u);
}

TEST_F(BrokerIsolation, AnswersNeverGoToAnotherStore) {
  auto b = till(b_, b_pw_);
  ASSERT_EQ(b->connect(), 0);
  for (const auto& f : {topic(b_, "pos/result"), topic(b_, "reply/#"), topic(b_, "deadletter")}) {
    ASSERT_EQ(b->subscribe(f), 0);
  }
  auto a = till(a_, a_pw_);
  ASSERT_EQ(a->connect(), 0);
  ASSERT_EQ(a->subscribe(topic(a_, "pos/result")), 0);
  ASSERT_EQ(a->subscribe(topic(a_, "deadletter")), 0);
  // A sale whose MQTT v5 response topic is B's result topic, and lookups
  // whose answers are asked for on B's topics.
  auto id = unique("redirect");
  ASSERT_EQ(a->publish(topic(a_, "pos/sale"), sale(a_, id, "R-" + id, 1, 10000).dump(), topic(b_, "pos/result")), 0);
  ASSERT_EQ(a->publish(topic(a_, "pos/lookup"), R"({"schema":"setia.pos.lookup/1","store_id":")" + a_ + R"("})",
                       topic(b_, "reply/x")),
            0);
  ASSERT_EQ(a->publish(topic(a_, "pos/lookup"), R"({"schema":"setia.pos.lookup/1","store_id":")" + a_ +
                                                    R"(","reply_to":")" + topic(b_, "pos/result") + R"("})"),
            0);
  // Three dead letters of A, on A's own topic; the sale's rejection on A's
  // own result topic; the sale not applied.
  EXPECT_EQ(a->wait("/deadletter", 3), 3u) << daemon_->log();
  for (const auto& [t, payload] : a->received()) {
    if (t.ends_with("/deadletter")) {
      EXPECT_NE(payload.find("foreign_reply_topic"), std::string::npos) << payload;
    }
  }
  ASSERT_EQ(a->wait("/pos/result", 1), 1u);
  for (const auto& [t, payload] : a->received()) {
    if (t.ends_with("/pos/result")) {
      EXPECT_NE(payload.find("foreign_reply_topic"), std::string::npos) << payload;
    }
  }
  EXPECT_EQ(sales_of(a_), 0);
  // B then sells once: by its result, setiad has taken all of A's messages.
  b_sells(*b, 1, unique("after"));
  ASSERT_EQ(b->wait("/pos/result", 1), 1u);
  auto got = b->received();
  ASSERT_EQ(got.size(), 1u) << got.back().first << " " << got.back().second;
  EXPECT_EQ(got[0].first, topic(b_, "pos/result"));
}

// `setiactl store add` makes the new shop's till account through the
// plugin (stores.broker_command), printed once; the till is served;
// `store disable` shuts every till of the shop out of the broker, and
// `store enable` lets them back.
TEST_F(BrokerIsolation, StoreAddMakesATillAccountAndStoreDisableShutsItOut) {
  const auto shop = unique("kopi");
  TempDir d;
  std::ifstream daemon_cfg(daemon_->config_path());
  std::stringstream cfg;
  cfg << daemon_cfg.rdbuf() << "stores:\n  template: " << SETIA_SOURCE_DIR
      << "/config/store-template.yaml\n  broker_command: " << SecuredBroker::dynsec_script() << "\n";
  d.write("setiactl.yaml", cfg.str());
  auto setiactl = [&](std::vector<std::string> args) {
    std::vector<std::string> argv{"/usr/bin/env"};
    for (const auto& e : broker_->dynsec_env()) argv.push_back(e);
    argv.insert(argv.end(), {SETIACTL_PATH, "--config", (d.path() / "setiactl.yaml").string(), "store"});
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv);
  };

  auto added = setiactl({"add", shop, "--till", "1"});
  ASSERT_EQ(added.exit_code, 0) << added.out << added.err;
  const std::string account = "till account  " + shop + ".1 (client id " + shop + ".1) password ";
  auto at = added.out.find(account);
  ASSERT_NE(at, std::string::npos) << added.out;
  const auto password = added.out.substr(at + account.size(), 24);

  auto tillc = std::make_unique<Client>(broker_->uri(), shop + ".1", shop + ".1", password);
  ASSERT_EQ(tillc->connect(), 0) << broker_->log();
  ASSERT_EQ(tillc->subscribe(topic(shop, "pos/result")), 0);
  EXPECT_EQ(tillc->subscribe(topic(a_, "pos/result")), kNotAuthorized);
  auto s = sale(shop, unique("e"), unique("R"), 1, 52000);
  s["occurred_at"] = utc_text(std::time(nullptr) - 60);
  ASSERT_EQ(tillc->publish(topic(shop, "pos/sale"), s.dump()), 0);
  ASSERT_EQ(tillc->wait("/pos/result", 1), 1u) << daemon_->log();
  EXPECT_NE(tillc->received()[0].second.find("\"applied\""), std::string::npos) << tillc->received()[0].second;

  auto disabled = setiactl({"disable", shop, "--reason", "till dicuri"});
  ASSERT_EQ(disabled.exit_code, 0) << disabled.out << disabled.err;
  EXPECT_NE(disabled.out.find("disableClient on 1 till account(s) of " + shop), std::string::npos) << disabled.out;
  auto again = std::make_unique<Client>(broker_->uri(), shop + ".1", shop + ".1", password);
  EXPECT_NE(again->connect(), 0) << "a disabled store's till must be refused";
  // Another store's tills are untouched.
  EXPECT_EQ(till(a_, a_pw_)->connect(), 0);

  ASSERT_EQ(setiactl({"enable", shop}).exit_code, 0);
  auto back = std::make_unique<Client>(broker_->uri(), shop + ".1", shop + ".1", password);
  EXPECT_EQ(back->connect(), 0) << broker_->log();
}

}  // namespace
}  // namespace setia::it
