#pragma once

// What the REST tests share: setiad started by the harness with the REST
// API on 127.0.0.1:0 (the real composition root, PostgreSQL and
// Mosquitto), a rule file with a reward and a running promo, members
// registered through the API, and sales sent over MQTT.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>

#include "harness.h"
#include "http_client.h"

namespace setia::it {

// Store "*": 1 point per Rp 1.000, lasting ten years (the sales are on
// fixed dates; the daemon's expiry job must not take their points away
// when the test runs a year later); a reward of 100 points (stock 50); a
// promo running from 2020 to 2099, one claim per member and two in all; 10
// seats to reserve every day 08:00-22:00 (admins told), at most 16 a day
// for one member; an e-nota header and footer.
inline const char* kRestRules = R"(version: 1
store: "*"
timezone: Asia/Jakarta
currency: IDR
points:
  earn:
    - {name: base, per_amount: 1000, points: 1}
  expiry: {after_days: 3650}
sales: {past_days: 3650}  # kTestSalesWindow (harness.h)
rewards:
  - id: free-smoothie
    title: "Gratis 1 Smoothies"
    cost: 100
    stock: 50
    voucher: { free_item: { category: smoothies, qty: 1 }, valid_days: 30 }
promos:
  - id: hemat
    title: "Diskon 10%"
    audience: members
    from: 2020-01-01
    until: 2099-12-31
    claim: { per_member: 1, total: 2 }
    voucher: { percent_off: 10, max_off: 20000, min_spend: 50000, valid_days: 7 }
reservations:
  seats: 10
  slot_minutes: 30
  stay_minutes: 90
  max_party: 6
  lead_minutes: 60
  horizon_days: 30
  max_open_per_member: 3
  max_seats_per_member_day: 16
  hours: { mon-sun: "08:00-22:00" }
  notify_admins: true
enota:
  header: ["TOKO TEST"]
  footer: ["Terima Kasih"]
)";

// Tomorrow in Jakarta (the store's zone), YYYY-MM-DD: always open, always
// past the hour's lead, whatever time the test runs.
inline std::string tomorrow_wib() {
  using namespace std::chrono;
  const year_month_day d{floor<days>(system_clock::now() + hours(7) + days(1))};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                static_cast<unsigned>(d.day()));
  return buf;
}

struct TestMember {
  std::string token, code, store, phone, email, password;
  long long id = 0;
};

class RestTest : public ::testing::Test {
 protected:
  void SetUp() override { start(rest_yaml()); }

  // (Re)starts setiad with this `rest:` section.
  void start(const std::string& rest_section) {
    daemon_.reset();
    Daemon::Options o;
    o.rules_yaml = kRestRules;
    o.extra_yaml = rest_section;
    daemon_ = std::make_unique<Daemon>(o);
    migrate(*daemon_);
    daemon_->start();
    port_ = daemon_->rest_port();
    ASSERT_GT(port_, 0) << daemon_->log();
    http_ = std::make_unique<HttpClient>(port_);
    if (store_.empty()) store_ = unique("toko");
  }

  HttpClient& http() { return *http_; }

  TestMember register_member(const std::string& name, const std::string& store = "") {
    static std::mt19937_64 rng{std::random_device{}()};
    TestMember m;
    m.store = store.empty() ? store_ : store;
    // Random, so that no other run's member (the database is kept between
    // runs) shares the login.
    m.phone = "08" + std::to_string(1000000000 + rng() % 9000000000);
    m.email = unique("m") + "@example.com";
    m.password = "rahasia-" + name;
    auto r = http().post(
        "/v1/auth/register",
        {{"store", m.store}, {"name", name}, {"phone", m.phone}, {"email", m.email}, {"password", m.password}});
    EXPECT_EQ(r.status, 201) << r.body;
    auto j = r.json();
    m.token = j.value("token", "");
    m.code = j["member"].value("code", "");
    m.id = j["member"].value("id", 0LL);
    return m;
  }

  // `setiactl admin add ARGS --password-file` with a known password (never
  // printed back); the account's id.
  long long add_admin_with_setiactl(const std::vector<std::string>& args, const std::string& password) {
    auto file = std::filesystem::temp_directory_path() / unique("pw");
    std::ofstream(file) << password << "\n";
    std::vector<std::string> argv{SETIACTL_PATH, "--config", daemon_->config_path(), "admin", "add"};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.insert(argv.end(), {"--password-file", file.string()});
    auto r = run(argv);
    std::filesystem::remove(file);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out.find(password), std::string::npos) << "a given password is not printed";
    return std::stoll(r.out.substr(r.out.find(' ') + 1));
  }

  // POST /v1/admin/login; the token, empty unless it answered 200.
  std::string admin_login(const std::string& email, const std::string& password, int want = 200) {
    auto r = http().post("/v1/admin/login", {{"login", email}, {"password", password}});
    EXPECT_EQ(r.status, want) << r.body;
    return r.status == 200 ? r.json()["token"].get<std::string>() : "";
  }

  // Sends sales over MQTT and waits for their results.
  void send_sales(const std::vector<nlohmann::json>& sales) {
    Probe probe({daemon_->options().topic_prefix + "/+/pos/result"});
    for (const auto& s : sales) {
      probe.publish(daemon_->options().topic_prefix + "/" + s["store_id"].get<std::string>() + "/pos/sale", s.dump());
    }
    auto got = probe.wait("/pos/result", sales.size());
    ASSERT_EQ(got.size(), sales.size());
  }

  std::unique_ptr<Daemon> daemon_;
  std::unique_ptr<HttpClient> http_;
  int port_ = 0;
  std::string store_;
};

}  // namespace setia::it
