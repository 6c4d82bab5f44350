// Vouchers at the till: redeemed in the sale's transaction, refused with a
// reason without stopping the sale, never redeemed twice.
#include <thread>

#include <gtest/gtest.h>

#include "adapters/pos/pos_client.h"
#include "harness.h"

namespace setia::it {
namespace {

using nlohmann::json;

std::string issue(const Daemon& d, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {SETIACTL_PATH, "--config", d.config_path(), "voucher", "issue"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = run(argv);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::string code = r.out;
  while (!code.empty() && code.back() == '\n') code.pop_back();
  return code;
}

json show(const Daemon& d, const std::string& code) {
  auto r = run({SETIACTL_PATH, "--config", d.config_path(), "voucher", "show", code});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return json::parse(r.out);
}

class Vouchers : public ::testing::Test {
 protected:
  void SetUp() override {
    daemon_ = std::make_unique<Daemon>(Daemon::Options{});
    migrate(*daemon_);
    daemon_->start();
    store_ = unique("toko");
    member_ = add_member(*daemon_, store_, "Ocha", "081211110001");
  }

  // The first result of each sale, by event id.
  std::map<std::string, json> send(const std::vector<json>& sales) {
    adapters::pos::PosOptions o;
    o.mqtt = daemon_->mqtt_config(unique("pos"));
    adapters::pos::PosClient pos(o);
    EXPECT_TRUE(pos.connect());
    std::vector<adapters::pos::PosEvent> events;
    for (const auto& s : sales) events.push_back({store_, s["event_id"], "sale", s.dump()});
    std::map<std::string, json> out;
    auto sum = pos.send(events,
                        [&](const adapters::pos::PosResult& r) { out[r.event.event_id] = json::parse(r.result_json); });
    EXPECT_EQ(sum.unanswered, 0u);
    return out;
  }

  json sale_with(const std::string& id, const std::vector<std::string>& codes, long long qty = 4,
                 long long price = 13000, const std::string& member = "") {
    auto s = sale(store_, id, "R-" + id, qty, price, member.empty() ? member_ : member);
    s["vouchers"] = codes;
    return s;
  }

  std::unique_ptr<Daemon> daemon_;
  std::string store_, member_;
};

TEST_F(Vouchers, ValidVoucherIsRedeemedWithItsDiscountAndLinkedToTheSale) {
  auto code = issue(*daemon_, {"--store", store_, "--member", member_, "--percent-off", "10", "--max-off", "5000",
                               "--min-spend", "50000", "--title", "Diskon 10% Nasi Cakalang"});
  ASSERT_EQ(code.size(), 16u) << code;  // V-XXXX-XXXX-XXXX
  EXPECT_EQ(show(*daemon_, code)["status"], "active");
  // Typed by a cashier: lower case, no dashes.
  std::string typed;
  for (char c : code) {
    if (c != '-') typed.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  auto r = send({sale_with("v1", {typed})})["v1"];
  EXPECT_EQ(r["status"], "applied");
  ASSERT_EQ(r["vouchers"].size(), 1u);
  EXPECT_EQ(r["vouchers"][0]["code"], code);
  EXPECT_EQ(r["vouchers"][0]["redeemed"], true);
  EXPECT_EQ(r["vouchers"][0]["discount"], 5000);  // 10% of 52.000 = 5.200, capped at 5.000
  auto v = show(*daemon_, code);
  EXPECT_EQ(v["status"], "redeemed");
  EXPECT_EQ(v["redeemed_receipt"], "R-v1");
  EXPECT_EQ(v["discount"], 5000);
}

TEST_F(Vouchers, RefusedVouchersDoNotStopTheSaleAndSayWhy) {
  auto other_member = add_member(*daemon_, store_, "Nino", "081211110002");
  auto used = issue(*daemon_, {"--store", store_, "--amount-off", "5000"});
  auto expired = issue(*daemon_, {"--store", store_, "--amount-off", "5000"});
  auto big_spend = issue(*daemon_, {"--store", store_, "--amount-off", "5000", "--min-spend", "100000"});
  auto nino_only = issue(*daemon_, {"--store", store_, "--member", other_member, "--amount-off", "5000"});
  auto elsewhere = issue(*daemon_, {"--store", unique("lain"), "--amount-off", "5000"});
  auto voided = issue(*daemon_, {"--store", store_, "--amount-off", "5000"});
  auto free_smoothie = issue(*daemon_, {"--store", store_, "--free-category", "smoothies"});
  ASSERT_EQ(run({SETIACTL_PATH, "--config", daemon_->config_path(), "voucher", "void", voided}).exit_code, 0);
  auto sql = db();
  // Expired an hour before the sale (harness sales happen at 2026-11-23
  // 10:00 WIB, whatever day the test runs): a voucher is judged at the
  // sale's time.
  *sql << "UPDATE vouchers SET valid_until = '2026-11-23T09:00:00+07:00' WHERE code = :c", soci::use(expired);
  send({sale_with("first", {used})});

  auto r = send({sale_with("second", {used, expired, big_spend, nino_only, elsewhere, voided, free_smoothie,
                                      "V-NOPE-NOPE-NOPE"})})["second"];
  EXPECT_EQ(r["status"], "applied");
  std::map<std::string, std::string> reason;
  for (const auto& v : r["vouchers"]) {
    EXPECT_EQ(v["redeemed"], false) << v;
    reason[v["code"]] = v["reason"];
  }
  EXPECT_EQ(reason[used], "already_redeemed");
  EXPECT_EQ(reason[expired], "expired");
  EXPECT_EQ(reason[big_spend], "below_min_spend");
  EXPECT_EQ(reason[nino_only], "other_member");
  EXPECT_EQ(reason[elsewhere], "other_store");
  EXPECT_EQ(reason[voided], "void");
  EXPECT_EQ(reason[free_smoothie], "no_matching_item");
  EXPECT_EQ(reason["V-NOPE-NOPE-NOPE"], "unknown_voucher");
  EXPECT_EQ(r["member"]["points_earned"], 52) << "the sale still earns";
}

TEST_F(Vouchers, FreeItemTakesTheCheapestMatchingLine) {
  auto code = issue(*daemon_, {"--store", store_, "--free-category", "smoothies", "--free-qty", "1"});
  auto s = sale_with("smoothie", {code});
  s["items"] =
      json::array({{{"name", "Smoothies Mangga"}, {"qty", 1}, {"unit_price", 25000}, {"category", "smoothies"}},
                   {{"name", "Smoothies Stroberi"}, {"qty", 2}, {"unit_price", 22000}, {"category", "smoothies"}},
                   {{"name", "Kopi Susu"}, {"qty", 1}, {"unit_price", 18000}, {"category", "coffee"}}});
  s["subtotal"] = 25000 + 44000 + 18000;
  s["total"] = 87000;
  auto r = send({s})["smoothie"];
  EXPECT_EQ(r["vouchers"][0]["redeemed"], true);
  EXPECT_EQ(r["vouchers"][0]["discount"], 22000);
}

// 50 sales carry the same voucher at once, through 5 POS connections to 3
// daemons on one shared subscription: exactly one redeems it.
TEST(VoucherConcurrency, FiftySalesAtOnceRedeemItOnce) {
  const std::string prefix = unique("shared");
  std::vector<std::unique_ptr<Daemon>> daemons;
  for (int i = 0; i < 3; ++i) {
    daemons.push_back(std::make_unique<Daemon>(Daemon::Options{.topic_prefix = prefix, .shared_group = "setia"}));
  }
  migrate(*daemons[0]);
  for (auto& d : daemons) d->start();
  const std::string store = unique("toko");
  auto code = issue(*daemons[0], {"--store", store, "--amount-off", "10000"});

  std::vector<std::thread> posts;
  std::atomic<int> redeemed{0}, refused{0}, applied{0};
  for (int c = 0; c < 5; ++c) {
    posts.emplace_back([&, c] {
      adapters::pos::PosOptions o;
      o.mqtt = daemons[0]->mqtt_config(unique("pos"));
      adapters::pos::PosClient pos(o);
      ASSERT_TRUE(pos.connect());
      std::vector<adapters::pos::PosEvent> events;
      for (int i = 0; i < 10; ++i) {
        auto id = "c" + std::to_string(c) + "-" + std::to_string(i);
        auto s = sale(store, id, "R-" + id, 1, 50000);
        s["vouchers"] = {code};
        events.push_back({store, id, "sale", s.dump()});
      }
      pos.send(events, [&](const adapters::pos::PosResult& r) {
        auto j = json::parse(r.result_json);
        if (j["status"] == "applied") ++applied;
        if (j["vouchers"][0]["redeemed"] == true)
          ++redeemed;
        else if (j["vouchers"][0]["reason"] == "already_redeemed")
          ++refused;
      });
    });
  }
  for (auto& t : posts) t.join();
  EXPECT_EQ(applied.load(), 50);
  EXPECT_EQ(redeemed.load(), 1);
  EXPECT_EQ(refused.load(), 49);
  auto sql = db();
  EXPECT_EQ(
      scalar(*sql, "SELECT count(*) FROM sale_vouchers sv JOIN sales s ON s.id = sv.sale_id WHERE s.store_id = '" +
                       store + "' AND sv.redeemed"),
      1);
  // All three daemons took part.
  for (auto& d : daemons) EXPECT_NE(d->log().find("store=" + store), std::string::npos);
}

}  // namespace
}  // namespace setia::it
