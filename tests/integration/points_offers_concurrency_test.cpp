// Rewards and promos under concurrency, on real PostgreSQL: every thread
// has its own services and connections (as REST workers and daemons do)
// and all start at once. Each test counts what was issued and checks the
// ledger afterwards.
#include <latch>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include "adapters/postgres/pg_member_store.h"
#include "adapters/postgres/pg_offer_store.h"
#include "core/services/promos.h"
#include "core/services/rewards.h"
#include "points_support.h"

namespace setia::it {
namespace {

// What `n` threads got: issued voucher codes and refusal reasons.
struct Tally {
  std::mutex mu;
  std::vector<std::string> codes;
  std::map<std::string, int> refused;
  void add(const std::expected<domain::Voucher, core::ServiceError>& r) {
    std::lock_guard lock(mu);
    if (r)
      codes.push_back(r->code);
    else
      ++refused[r.error().reason.empty() ? r.error().message : r.error().reason];
  }
};

// Runs `attempt(i)` on n threads that start together, each with its own
// Rewards and Promos over their own connections.
template <typename F>
void at_once(int n, const std::string& yaml, const core::Clock& clock, F attempt) {
  auto rules = core::rules_from(book_of(yaml));
  std::latch ready(n);
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      adapters::postgres::PgOfferStore offers(pg_conninfo());
      adapters::postgres::PgMemberStore members(pg_conninfo());
      core::Rewards rewards(offers, members, rules, clock, random64);
      core::Promos promos(offers, members, rules, clock, random64);
      // Connect before the start line so that the race is the statements'.
      (void)offers.reward_counts("warm-up");
      (void)members.find_by_code("warm-up");
      ready.arrive_and_wait();
      attempt(i, rewards, promos);
    });
  }
  for (auto& t : threads) t.join();
}

class OffersAtOnce : public ::testing::Test {
 protected:
  void SetUp() override {
    migrate_once();
    sql_ = db();
    store_ = unique("toko");
  }
  std::string rules(const std::string& offers) const {
    return "version: 1\nstore: " + store_ + "\ntimezone: Asia/Jakarta\n" + offers;
  }
  std::unique_ptr<soci::session> sql_;
  std::string store_;
  ManualClock clock_{at_offset(2031, 5, 20, 12, 0, 7)};
};

TEST_F(OffersAtOnce, TwentyRedemptionsWithPointsForOneGiveOneVoucher) {
  auto m = new_member(*sql_, store_);
  credit(*sql_, m.id, 60, at_offset(2031, 6, 1, 0, 0, 7));
  credit(*sql_, m.id, 40);
  Tally tally;
  at_once(20, rules("rewards:\n  - {id: kopi, title: Kopi, cost: 100, voucher: {amount_off: 18000}}\n"), clock_,
          [&](int, core::Rewards& rewards, core::Promos&) { tally.add(rewards.redeem(m.code, "kopi")); });
  EXPECT_EQ(tally.codes.size(), 1u);
  EXPECT_EQ(tally.refused["insufficient_points"], 19) << ::testing::PrintToString(tally.refused);
  EXPECT_EQ(balance(*sql_, m.id), 0);
  EXPECT_EQ(
      scalar(*sql_, "SELECT count(*) FROM vouchers WHERE source = 'reward' AND member_id = " + std::to_string(m.id)),
      1);
  EXPECT_EQ(
      scalar(*sql_, "SELECT count(*) FROM points_ledger WHERE kind = 'redeem' AND member_id = " + std::to_string(m.id)),
      1);
  expect_ledger_consistent(*sql_, m.id, "after 20 concurrent redemptions");
}

TEST_F(OffersAtOnce, StockOfThreeGoesToExactlyThreeOfTenRichMembers) {
  std::vector<TestMember> rich;
  for (int i = 0; i < 10; ++i) {
    rich.push_back(new_member(*sql_, store_));
    credit(*sql_, rich.back().id, 1000);
  }
  Tally tally;
  at_once(10,
          rules("rewards:\n  - {id: smoothie, title: Smoothie, cost: 100, stock: 3, voucher: {free_item: "
                "{category: smoothies}}}\n"),
          clock_,
          [&](int i, core::Rewards& rewards, core::Promos&) { tally.add(rewards.redeem(rich[i].code, "smoothie")); });
  EXPECT_EQ(tally.codes.size(), 3u);
  EXPECT_EQ(tally.refused["out_of_stock"], 7) << ::testing::PrintToString(tally.refused);
  EXPECT_EQ(
      scalar(*sql_, "SELECT redeemed FROM reward_stock WHERE reward_id = 'smoothie' AND store_id = '" + store_ + "'"),
      3);
  long long spent = 0;
  for (const auto& m : rich) {
    spent += 1000 - balance(*sql_, m.id);
    expect_ledger_consistent(*sql_, m.id, "after the stock race");
  }
  EXPECT_EQ(spent, 300) << "only the three winners paid";
}

TEST_F(OffersAtOnce, OneMemberClaimingTenTimesAtOnceGetsPerMemberOne) {
  auto m = new_member(*sql_, store_);
  Tally tally;
  at_once(10,
          rules("promos:\n  - {id: p1, title: P1, from: 2031-05-01, until: 2031-05-31, claim: {per_member: 1},"
                " voucher: {percent_off: 10}}\n"),
          clock_, [&](int, core::Rewards&, core::Promos& promos) { tally.add(promos.claim(m.code, "p1")); });
  EXPECT_EQ(tally.codes.size(), 1u);
  EXPECT_EQ(tally.refused["already_claimed"], 9) << ::testing::PrintToString(tally.refused);
  EXPECT_EQ(scalar(*sql_, "SELECT count(*) FROM vouchers WHERE source = 'promo' AND source_id = 'p1' AND member_id = " +
                              std::to_string(m.id)),
            1);
}

TEST_F(OffersAtOnce, TwentyMembersClaimingATotalOfFiveGetFive) {
  std::vector<TestMember> members;
  for (int i = 0; i < 20; ++i) members.push_back(new_member(*sql_, store_));
  Tally tally;
  at_once(20,
          rules("promos:\n  - {id: p5, title: P5, audience: everyone, from: 2031-05-01, until: 2031-05-31,"
                " claim: {per_member: 1, total: 5}, voucher: {amount_off: 5000}}\n"),
          clock_, [&](int i, core::Rewards&, core::Promos& promos) { tally.add(promos.claim(members[i].code, "p5")); });
  EXPECT_EQ(tally.codes.size(), 5u);
  EXPECT_EQ(tally.refused["sold_out"], 15) << ::testing::PrintToString(tally.refused);
  EXPECT_EQ(scalar(*sql_, "SELECT count(*) FROM vouchers WHERE source = 'promo' AND source_id = 'p5' AND store_id = '" +
                              store_ + "'"),
            5);
  EXPECT_EQ(scalar(*sql_, "SELECT claimed FROM promo_counters WHERE promo_id = 'p5' AND store_id = '" + store_ + "'"),
            5);
}

TEST_F(OffersAtOnce, ARewardAndASaleOfTheSameMemberAtOnceKeepTheLedgerWhole) {
  // The sale path (setia_apply_sale) credits under the same member lock the
  // redemptions take: 10 redemptions race 10 sales.
  auto m = new_member(*sql_, store_);
  credit(*sql_, m.id, 250);
  Tally tally;
  std::atomic<int> sales{0};
  at_once(20, rules("rewards:\n  - {id: kopi, title: Kopi, cost: 100, voucher: {amount_off: 18000}}\n"), clock_,
          [&](int i, core::Rewards& rewards, core::Promos&) {
            if (i % 2 == 0) {
              tally.add(rewards.redeem(m.code, "kopi"));
              return;
            }
            const std::string event = unique("e"), body = sale(store_, event, unique("R"), 1, 10000, m.code).dump();
            auto sql = db();
            std::string result;
            *sql << "SELECT setia_apply_sale(:s, :e, CAST(:j AS jsonb), 10, 'v', '{base}', "
                    "'2032-05-20T12:00:00+07:00', 't', '')::text",
                soci::use(store_), soci::use(event), soci::use(body), soci::into(result);
            ++sales;
          });
  EXPECT_EQ(sales.load(), 10);
  long long bal = balance(*sql_, m.id);
  EXPECT_EQ(bal, 250 + 100 - 100 * static_cast<long long>(tally.codes.size()));
  EXPECT_GE(tally.codes.size(), 2u);
  EXPECT_LE(tally.codes.size(), 3u);
  expect_ledger_consistent(*sql_, m.id, "after sales and redemptions at once");
}

}  // namespace
}  // namespace setia::it
