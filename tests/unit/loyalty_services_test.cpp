// The points, rewards and promos services over fakes of their ports: what
// they ask the store, how they map its answers, what they refuse before
// asking. The concurrency guarantees are the database's and are proven in
// tests/integration/points_*_test.cpp.
#include <gtest/gtest.h>

#include "core/services/points.h"
#include "core/services/promos.h"
#include "core/services/rewards.h"
#include "core/services/store_time_text.h"
#include "loyalty_test_support.h"
#include "rules_test_support.h"

namespace setia::core {
namespace {

using rules::test::wib;
using test::book_of;
using test::FakeMembers;
using test::FakeOffers;
using test::FakePoints;
using test::ManualClock;
using Kind = ServiceError::Kind;

constexpr const char* kStore = "marikh-salatiga";

const char* const kRules = R"(version: 1
store: marikh-salatiga
timezone: Asia/Jakarta
points:
  expiry: { at: end_of_month }
rewards:
  - id: free-smoothie
    title: "Gratis 1 Smoothies All Variant"
    cost: 100
    available_from: 2020-05-01
    available_until: 2020-08-31
    voucher: { free_item: { category: smoothies, qty: 1 }, valid_days: 30 }
    stock: 50
  - { id: kopi, title: Kopi Susu, cost: 40, voucher: { amount_off: 18000, title: "Kopi gratis" } }
promos:
  - id: cakalang-10
    title: "Diskon 10% Nasi Cakalang"
    audience: members
    from: 2020-05-01
    until: 2020-05-31
    claim: { per_member: 1, total: 100 }
    voucher: { percent_off: 10, max_off: 20000, min_spend: 50000, valid_days: 7 }
  - { id: semua, title: Semua, audience: everyone, from: 2020-05-01, until: 2020-05-31, voucher: { amount_off: 5000 } }
  - { id: vip, title: VIP, audience: "segment:vip", from: 2020-05-01, until: 2020-05-31, voucher: { amount_off: 5000 } }
)";

std::uint64_t counter_random() {
  static std::uint64_t n = 0;
  return ++n;
}

// --- store time ---------------------------------------------------------

TEST(StoreTimeText, ShowsTheStoresOffset) {
  auto book = book_of(kRules);
  const rules::RuleSet* jakarta = book->for_store(kStore);
  EXPECT_EQ(store_time_text(wib(2020, 5, 31, 23, 30), jakarta), "2020-05-31T23:30:00+07:00");
  EXPECT_EQ(store_time_text(wib(2020, 5, 31, 23, 30), nullptr), "2020-05-31T16:30:00Z");
  auto papua = book_of(R"(version: 1
store: jayapura
timezone: Asia/Jayapura
)");
  EXPECT_EQ(store_time_text(wib(2020, 5, 31, 23, 30), papua->for_store("jayapura")), "2020-06-01T01:30:00+09:00");
  EXPECT_EQ(store_date_text(wib(2020, 5, 31, 23, 30), papua->for_store("jayapura")), "2020-06-01");
}

// --- points -------------------------------------------------------------

TEST(SoonestExpiring, SumsTheLotsOfTheFirstStoreLocalDay) {
  auto book = book_of(kRules);
  const rules::RuleSet* rs = book->for_store(kStore);
  // 23:30 and 00:30 WIB are two store-local days though one UTC day.
  std::vector<PointsLot> lots = {{.id = 3, .remaining = 5, .expires_at = wib(2020, 6, 1, 0, 30)},
                                 {.id = 1, .remaining = 20, .expires_at = wib(2020, 5, 31, 23, 30)},
                                 {.id = 2, .remaining = 7, .expires_at = wib(2020, 5, 31, 8, 0)},
                                 {.id = 4, .remaining = 100, .expires_at = std::nullopt},
                                 {.id = 5, .remaining = 0, .expires_at = wib(2020, 5, 1)}};
  auto e = soonest_expiring(lots, rs);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->on, "2020-05-31");
  EXPECT_EQ(e->points, 27);
  EXPECT_EQ(e->first, wib(2020, 5, 31, 8, 0));
  EXPECT_FALSE(soonest_expiring({{.id = 4, .remaining = 100, .expires_at = std::nullopt}}, rs));
}

TEST(PointsLedger, SummaryHasTheBalanceAndWhatExpiresNext) {
  FakePoints store;
  store.accounts["MAR-1"] = {.member_id = 1,
                             .member_code = "MAR-1",
                             .store_id = kStore,
                             .balance = 30,
                             .open_lots = {{.id = 1, .remaining = 30, .expires_at = wib(2020, 6, 1)}}};
  ManualClock clock(wib(2020, 5, 20));
  PointsLedger ledger(store, rules_from(book_of(kRules)), clock);
  auto s = ledger.summary("MAR-1");
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->balance, 30);
  ASSERT_TRUE(s->expiring);
  EXPECT_EQ(s->expiring->on, "2020-06-01");
  auto none = ledger.summary("MAR-404");
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().kind, Kind::not_found);
}

TEST(PointsLedger, HistoryPagesNewestFirstWithStoreTimes) {
  FakePoints store;
  store.accounts["MAR-1"] = {
      .member_id = 1, .member_code = "MAR-1", .store_id = kStore, .balance = 100, .open_lots = {}};
  ManualClock clock(wib(2020, 5, 20));
  PointsLedger ledger(store, rules_from(book_of(kRules)), clock);
  auto p1 = ledger.history("MAR-1", 4);
  ASSERT_TRUE(p1);
  ASSERT_EQ(p1->items.size(), 4u);
  EXPECT_EQ(p1->items[0].entry.id, 10);
  EXPECT_TRUE(p1->items[0].at.ends_with("+07:00")) << p1->items[0].at;
  ASSERT_TRUE(p1->next_cursor);
  auto p3 = ledger.history("MAR-1", 4, 3);
  ASSERT_TRUE(p3);
  EXPECT_EQ(p3->items.size(), 2u);
  EXPECT_FALSE(p3->next_cursor);
  EXPECT_EQ(ledger.history("MAR-1", 0).error().kind, Kind::invalid);
}

TEST(PointsLedger, AdjustIsValidatedAndAddedPointsExpireLikeEarnedOnes) {
  FakePoints store;
  store.accounts["MAR-1"] = {
      .member_id = 1, .member_code = "MAR-1", .store_id = kStore, .balance = 100, .open_lots = {}};
  ManualClock clock(wib(2020, 5, 20, 10, 0));
  PointsLedger ledger(store, rules_from(book_of(kRules)), clock);
  EXPECT_EQ(ledger.adjust("MAR-1", 0, "x", "cli:ana").error().kind, Kind::invalid);
  EXPECT_EQ(ledger.adjust("MAR-1", 5, "  ", "cli:ana").error().kind, Kind::invalid);
  EXPECT_EQ(ledger.adjust("MAR-1", 5, "why", "").error().kind, Kind::invalid);
  EXPECT_TRUE(store.adjusts.empty()) << "refused before the store";

  auto a = ledger.adjust("MAR-1", 25, "complaint: cold coffee", "cli:ana");
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->before, 100);
  EXPECT_EQ(a->after, 125);
  ASSERT_EQ(store.adjusts.size(), 1u);
  EXPECT_EQ(store.adjusts[0].actor, "cli:ana");
  EXPECT_EQ(store.adjusts[0].expires_at, wib(2020, 6, 1)) << "end_of_month, store-local";

  ASSERT_TRUE(ledger.adjust("MAR-1", -25, "typo", "cli:ana"));
  EXPECT_FALSE(store.adjusts[1].expires_at) << "a negative adjustment makes no lot";

  store.adjust_status = AdjustOutcome::Status::insufficient_points;
  auto short_ = ledger.adjust("MAR-1", -500, "typo", "cli:ana");
  ASSERT_FALSE(short_);
  EXPECT_EQ(short_.error().kind, Kind::rule_says_no);
  EXPECT_EQ(short_.error().reason, "insufficient_points");
}

TEST(ExpirePoints, RepeatsBatchesUntilNothingIsDue) {
  FakePoints store;
  store.due_lots = 5;
  auto now = std::chrono::system_clock::time_point(std::chrono::seconds(wib(2020, 6, 3)));
  auto run = expire_points(store, now, std::nullopt, 2);
  ASSERT_TRUE(run);
  EXPECT_EQ(run->lots, 5);
  EXPECT_EQ(run->points, 50);
  EXPECT_EQ(run->batches, 3);  // 2 + 2 + 1
  for (const auto& [at, limit] : store.expiry_calls) {
    EXPECT_EQ(at, wib(2020, 6, 3));
    EXPECT_EQ(limit, 2);
  }
  store.expiry_calls.clear();
  ASSERT_TRUE(expire_points(store, now, std::nullopt, 2));
  EXPECT_EQ(store.expiry_calls.size(), 1u) << "nothing due: one empty batch";
}

// --- rewards ------------------------------------------------------------

struct RewardsFixture : ::testing::Test {
  FakeOffers offers;
  FakeMembers members;
  ManualClock clock{wib(2020, 6, 15)};
  Rewards rewards{offers, members, rules_from(book_of(kRules)), clock, counter_random};
  void SetUp() override { members.add("MAR-1", kStore, 500); }
};

TEST_F(RewardsFixture, ListsTheRewardsOfTheirDatesWithStockLeft) {
  offers.counts.taken["free-smoothie"] = 48;
  auto list = rewards.list(kStore);
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].id, "free-smoothie");
  EXPECT_EQ((*list)[0].remaining, 2);
  EXPECT_EQ((*list)[0].available_until, "2020-08-31");
  EXPECT_FALSE((*list)[1].remaining) << "no stock: unlimited";
  clock.set(wib(2020, 9, 1));
  ASSERT_EQ(rewards.list(kStore)->size(), 1u) << "past available_until";
  EXPECT_TRUE(rewards.list("elsewhere")->empty());
}

TEST_F(RewardsFixture, RedeemAsksTheStoreWithTheRuleFilesTerms) {
  auto v = rewards.redeem("MAR-1", "free-smoothie");
  ASSERT_TRUE(v) << v.error().message;
  ASSERT_EQ(offers.redeems.size(), 1u);
  const auto& cmd = offers.redeems[0];
  EXPECT_EQ(cmd.store_id, kStore);
  EXPECT_EQ(cmd.cost, 100);
  EXPECT_EQ(cmd.stock, 50);
  EXPECT_EQ(cmd.now, wib(2020, 6, 15));
  EXPECT_EQ(cmd.voucher.title, "Gratis 1 Smoothies All Variant") << "no voucher title: the reward's";
  EXPECT_EQ(std::get<domain::FreeItem>(cmd.voucher.terms.benefit).category, "smoothies");
  EXPECT_EQ(cmd.voucher.code.size(), 16u);
  ASSERT_TRUE(rewards.redeem("MAR-1", "kopi"));
  EXPECT_EQ(offers.redeems[1].voucher.title, "Kopi gratis");
}

TEST_F(RewardsFixture, RedeemMapsEveryRefusal) {
  offers.script = {OfferOutcome::Status::code_taken, OfferOutcome::Status::issued};
  ASSERT_TRUE(rewards.redeem("MAR-1", "kopi"));
  EXPECT_EQ(offers.redeems.size(), 2u) << "a taken code is tried again with another";
  EXPECT_NE(offers.redeems[0].voucher.code, offers.redeems[1].voucher.code);

  offers.script = {OfferOutcome::Status::insufficient_points};
  auto e = rewards.redeem("MAR-1", "kopi").error();
  EXPECT_EQ(e.kind, Kind::rule_says_no);
  EXPECT_EQ(e.reason, "insufficient_points");
  offers.script = {OfferOutcome::Status::out_of_stock};
  e = rewards.redeem("MAR-1", "kopi").error();
  EXPECT_EQ(e.kind, Kind::conflict);
  EXPECT_EQ(e.reason, "out_of_stock");
  EXPECT_EQ(rewards.redeem("MAR-404", "kopi").error().kind, Kind::not_found);
  EXPECT_EQ(rewards.redeem("MAR-1", "nope").error().reason, "no_such_reward");
  offers.down = true;
  EXPECT_EQ(rewards.redeem("MAR-1", "kopi").error().kind, Kind::unavailable);
}

// core/services/fresh_code.h: five fresh codes, then an answer that says so.
TEST_F(RewardsFixture, FiveTakenCodesInARowGiveUpAsUnavailable) {
  offers.script.assign(6, OfferOutcome::Status::code_taken);
  auto e = rewards.redeem("MAR-1", "kopi").error();
  EXPECT_EQ(e.kind, Kind::unavailable);
  EXPECT_EQ(e.message, "could not find a free voucher code");
  EXPECT_EQ(offers.redeems.size(), 5u);
}

TEST_F(RewardsFixture, OutsideItsDatesTheStoreIsNotAsked) {
  clock.set(wib(2020, 4, 30, 23, 59));
  auto e = rewards.redeem("MAR-1", "free-smoothie").error();
  EXPECT_EQ(e.kind, Kind::rule_says_no);
  EXPECT_EQ(e.reason, "not_available");
  EXPECT_TRUE(offers.redeems.empty());
  clock.set(wib(2020, 5, 1, 0, 0));
  EXPECT_TRUE(rewards.redeem("MAR-1", "free-smoothie"));
}

// --- promos -------------------------------------------------------------

struct PromosFixture : ::testing::Test {
  FakeOffers offers;
  FakeMembers members;
  ManualClock clock{wib(2020, 5, 20)};
  Promos promos{offers, members, rules_from(book_of(kRules)), clock, counter_random};
  void SetUp() override { members.add("MAR-1", kStore); }
};

TEST_F(PromosFixture, SegmentsMatchNoMemberYet) {
  EXPECT_TRUE(audience_admits_members({rules::Audience::Kind::members, ""}));
  EXPECT_TRUE(audience_admits_members({rules::Audience::Kind::everyone, ""}));
  EXPECT_FALSE(audience_admits_members({rules::Audience::Kind::segment, "vip"}));

  offers.counts.taken["cakalang-10"] = 40;
  offers.counts.by_member["cakalang-10"] = 1;
  auto store = promos.active_for_store(kStore);
  ASSERT_TRUE(store);
  EXPECT_EQ(store->size(), 3u) << "the store's view shows every audience";
  auto mine = promos.active_for_member("MAR-1");
  ASSERT_TRUE(mine);
  ASSERT_EQ(mine->size(), 2u);
  EXPECT_EQ((*mine)[0].id, "cakalang-10");
  EXPECT_EQ((*mine)[0].remaining, 60);
  EXPECT_EQ((*mine)[0].claimed_by_member, 1);
  EXPECT_EQ((*mine)[1].id, "semua");

  auto vip = promos.claim("MAR-1", "vip").error();
  EXPECT_EQ(vip.kind, Kind::rule_says_no);
  EXPECT_EQ(vip.reason, "not_in_audience");
  EXPECT_TRUE(offers.claims.empty());
}

TEST_F(PromosFixture, ClaimRunsOnItsStoreLocalDaysAndMapsTheLimits) {
  clock.set(wib(2020, 6, 1, 0, 0));
  EXPECT_EQ(promos.claim("MAR-1", "cakalang-10").error().reason, "not_active");
  clock.set(wib(2020, 5, 31, 23, 59));
  auto v = promos.claim("MAR-1", "cakalang-10");
  ASSERT_TRUE(v) << v.error().message;
  ASSERT_EQ(offers.claims.size(), 1u);
  EXPECT_EQ(offers.claims[0].per_member, 1);
  EXPECT_EQ(offers.claims[0].total, 100);
  EXPECT_EQ(offers.claims[0].voucher.title, "Diskon 10% Nasi Cakalang");

  offers.script = {OfferOutcome::Status::already_claimed};
  auto again = promos.claim("MAR-1", "cakalang-10").error();
  EXPECT_EQ(again.kind, Kind::conflict);
  EXPECT_EQ(again.reason, "already_claimed");
  offers.script = {OfferOutcome::Status::sold_out};
  EXPECT_EQ(promos.claim("MAR-1", "cakalang-10").error().reason, "sold_out");
  EXPECT_EQ(promos.claim("MAR-1", "nope").error().kind, Kind::not_found);
}

}  // namespace
}  // namespace setia::core
