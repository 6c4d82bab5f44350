// Points lots on real PostgreSQL: spending order, never negative, the
// refund's partial take, audited adjustments, and the invariants
// (balance == ledger sum == what the lots hold) after every operation.
#include <gtest/gtest.h>

#include "adapters/postgres/pg_member_store.h"
#include "adapters/postgres/pg_offer_store.h"
#include "adapters/postgres/pg_points_store.h"
#include "core/services/points.h"
#include "core/services/promos.h"
#include "core/services/rewards.h"
#include "points_support.h"

namespace setia::it {
namespace {

std::optional<long long> spend(soci::session& sql, long long member, long long points,
                               std::optional<long long> from_lot = std::nullopt) {
  long long bal = 0, lot = from_lot.value_or(0);
  soci::indicator ind = soci::i_null, lot_ind = from_lot ? soci::i_ok : soci::i_null;
  sql << "SELECT setia_spend_points(:m, :p, 'redeem', p_from_lot => :l)", soci::use(member), soci::use(points),
      soci::use(lot, lot_ind), soci::into(bal, ind);
  if (ind != soci::i_ok) return std::nullopt;
  return bal;
}

class PointsLots : public ::testing::Test {
 protected:
  void SetUp() override {
    migrate_once();
    sql_ = db();
    store_ = unique("toko");
    m_ = new_member(*sql_, store_);
  }
  std::unique_ptr<soci::session> sql_;
  std::string store_;
  TestMember m_;
};

TEST_F(PointsLots, SpendingTakesTheSoonestExpiringLotFirstAndNeverGoesNegative) {
  auto& sql = *sql_;
  const auto june = [](unsigned d) { return at_offset(2031, 6, d, 0, 0, 7); };
  long long later = credit(sql, m_.id, 10, june(10));
  long long never = credit(sql, m_.id, 10);
  long long soon = credit(sql, m_.id, 10, june(1));
  long long soon_too = credit(sql, m_.id, 10, june(1));  // same expiry: the older (lower id) first
  expect_ledger_consistent(sql, m_.id, "after four lots");

  EXPECT_EQ(spend(sql, m_.id, 15), 25);
  EXPECT_EQ(remaining(sql, soon), 0);
  EXPECT_EQ(remaining(sql, soon_too), 5);
  EXPECT_EQ(remaining(sql, later), 10);
  EXPECT_EQ(remaining(sql, never), 10) << "a lot that never expires goes last";
  expect_ledger_consistent(sql, m_.id, "after spending 15");

  EXPECT_EQ(spend(sql, m_.id, 26), std::nullopt) << "more than the balance: nothing";
  EXPECT_EQ(balance(sql, m_.id), 25);
  EXPECT_EQ(scalar(sql, "SELECT count(*) FROM points_ledger WHERE points < 0 AND member_id = " + std::to_string(m_.id)),
            1)
      << "a refused spend writes no row";

  EXPECT_EQ(spend(sql, m_.id, 10), 15);
  EXPECT_EQ(remaining(sql, soon_too), 0);
  EXPECT_EQ(remaining(sql, later), 5);
  EXPECT_EQ(spend(sql, m_.id, 15), 0);
  EXPECT_EQ(spend(sql, m_.id, 1), std::nullopt);
  expect_ledger_consistent(sql, m_.id, "spent to 0");
}

TEST_F(PointsLots, ARefundTakesWhatIsLeftFromItsOwnLotFirstAndReportsTheShortfall) {
  auto& sql = *sql_;
  long long old_lot = credit(sql, m_.id, 30, at_offset(2031, 1, 1, 0, 0, 7));
  long long sale_lot = credit(sql, m_.id, 20, at_offset(2031, 12, 1, 0, 0, 7));
  EXPECT_EQ(spend(sql, m_.id, 5, sale_lot), 45) << "p_from_lot goes first";
  EXPECT_EQ(remaining(sql, sale_lot), 15);
  EXPECT_EQ(remaining(sql, old_lot), 30);

  long long taken = 0, shortfall = 0, bal = 0, ledger_id = 0;
  sql << "SELECT taken, shortfall, balance, ledger_id FROM setia_take_points(:m, 60, 'reverse', p_from_lot => :l)",
      soci::use(m_.id), soci::use(sale_lot), soci::into(taken), soci::into(shortfall), soci::into(bal),
      soci::into(ledger_id);
  EXPECT_EQ(taken, 45);
  EXPECT_EQ(shortfall, 15);
  EXPECT_EQ(bal, 0);
  EXPECT_EQ(
      scalar(sql, "SELECT points FROM points_ledger WHERE kind = 'reverse' AND id = " + std::to_string(ledger_id)),
      -45);
  expect_ledger_consistent(sql, m_.id, "after the refund's take");
  sql << "SELECT taken, shortfall, balance FROM setia_take_points(:m, 10, 'reverse')", soci::use(m_.id),
      soci::into(taken), soci::into(shortfall), soci::into(bal);
  EXPECT_EQ(taken, 0);
  EXPECT_EQ(shortfall, 10);
  EXPECT_EQ(scalar(sql, "SELECT count(*) FROM points_ledger WHERE member_id = " + std::to_string(m_.id)), 4)
      << "nothing taken, nothing written";
}

// Every operation the services offer, one after another, with the
// invariants checked after each.
TEST_F(PointsLots, BalanceEqualsTheLedgerSumAfterEveryOperation) {
  auto& sql = *sql_;
  const std::string yaml = "version: 1\nstore: " + store_ +
                           "\ntimezone: Asia/Jakarta\npoints:\n  expiry: {after_days: 30}\n"
                           "rewards:\n  - {id: kopi, title: Kopi, cost: 40, voucher: {amount_off: 18000}}\n"
                           "promos:\n  - {id: p1, title: P1, from: 2031-05-01, until: 2031-05-31,"
                           " claim: {per_member: 2}, voucher: {percent_off: 10}}\n";
  auto rules = core::rules_from(book_of(yaml));
  ManualClock clock(at_offset(2031, 5, 10, 12, 0, 7));
  adapters::postgres::PgPointsStore points_store(pg_conninfo());
  adapters::postgres::PgOfferStore offers(pg_conninfo());
  adapters::postgres::PgMemberStore members(pg_conninfo());
  core::PointsLedger ledger(points_store, rules, clock);
  core::Rewards rewards(offers, members, rules, clock, random64);
  core::Promos promos(offers, members, rules, clock, random64);

  credit(sql, m_.id, 100, at_offset(2031, 5, 20, 0, 0, 7));
  expect_ledger_consistent(sql, m_.id, "earn");
  auto adj = ledger.adjust(m_.code, 70, "welcome gift", "it:test");
  ASSERT_TRUE(adj) << adj.error().message;
  EXPECT_EQ(adj->before, 100);
  EXPECT_EQ(adj->after, 170);
  expect_ledger_consistent(sql, m_.id, "adjust +70");
  auto v = rewards.redeem(m_.code, "kopi");
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(v->source, "reward");
  expect_ledger_consistent(sql, m_.id, "redeem 40");
  ASSERT_TRUE(promos.claim(m_.code, "p1"));
  expect_ledger_consistent(sql, m_.id, "promo claim (no points)");
  ASSERT_TRUE(ledger.adjust(m_.code, -30, "double entry", "it:test"));
  expect_ledger_consistent(sql, m_.id, "adjust -30");
  auto refused = ledger.adjust(m_.code, -101, "too much", "it:test");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().reason, "insufficient_points");
  expect_ledger_consistent(sql, m_.id, "refused adjust");
  auto run = core::expire_points(
      points_store, std::chrono::system_clock::time_point(std::chrono::seconds(at_offset(2031, 5, 20, 0, 0, 7))),
      store_);
  ASSERT_TRUE(run);
  EXPECT_EQ(run->points, 30) << "the earned lot, less the redeem (40) and the adjustment (30)";
  expect_ledger_consistent(sql, m_.id, "expiry");
  EXPECT_EQ(balance(sql, m_.id), 70);

  // The audit: who, when, why, before, after.
  std::string actor, reason;
  long long before = 0, after = 0, delta = 0;
  sql << "SELECT actor, reason, balance_before, balance_after, delta FROM points_adjustments "
         "WHERE member_id = :m ORDER BY id LIMIT 1",
      soci::use(m_.id), soci::into(actor), soci::into(reason), soci::into(before), soci::into(after), soci::into(delta);
  EXPECT_EQ(actor, "it:test");
  EXPECT_EQ(reason, "welcome gift");
  EXPECT_EQ(before, 100);
  EXPECT_EQ(after, 170);
  EXPECT_EQ(delta, 70);
  EXPECT_EQ(scalar(sql, "SELECT count(*) FROM points_adjustments WHERE member_id = " + std::to_string(m_.id)), 2)
      << "a refused adjustment leaves no audit row";

  auto page = ledger.history(m_.code, 50);
  ASSERT_TRUE(page);
  std::vector<std::string> kinds;
  for (const auto& i : page->items) kinds.push_back(i.entry.kind);
  EXPECT_EQ(kinds, (std::vector<std::string>{"expire", "adjust", "redeem", "adjust", "earn"}));
  EXPECT_EQ(page->items[2].entry.reward_id, "kopi");
  EXPECT_EQ(page->items[2].entry.voucher_code, v->code);
  EXPECT_EQ(page->items[1].entry.reason, "double entry");
  EXPECT_EQ(page->items[0].expires_at, "2031-05-20T00:00:00+07:00") << "an expire row shows its lot's expiry";
  auto summary = ledger.summary(m_.code);
  ASSERT_TRUE(summary);
  ASSERT_TRUE(summary->expiring);
  EXPECT_EQ(summary->expiring->points, 70);
  EXPECT_EQ(summary->expiring->on, "2031-06-09") << "the +70 lot: 30 days after the adjustment, store-local";
}

TEST(PointsCli, AdjustShowAndExpireThroughSetiactl) {
  Daemon d(Daemon::Options{.rules_yaml =
                               "version: 1\nstore: \"*\"\ntimezone: Asia/Jakarta\n"
                               "points:\n  expiry: {after_days: 1}\n"
                               "rewards:\n  - {id: kopi, title: Kopi, cost: 40, voucher: {amount_off: 18000}}\n"});
  migrate(d);
  const std::string store = unique("toko");
  auto code = add_member(d, store, "Ocha", "081211112222");
  auto ctl = [&](std::vector<std::string> args) {
    std::vector<std::string> argv = {SETIACTL_PATH, "--config", d.config_path()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv);
  };
  auto adj = ctl({"points", "adjust", "--member", code, "--points", "100", "--reason", "pindahan kartu lama"});
  ASSERT_EQ(adj.exit_code, 0) << adj.err;
  auto a = nlohmann::json::parse(adj.out);
  EXPECT_EQ(a["after"], 100);
  EXPECT_TRUE(a["actor"].get<std::string>().starts_with("cli:")) << a;
  EXPECT_EQ(ctl({"points", "adjust", "--member", code, "--points", "-101", "--reason", "x"}).exit_code, 1);
  EXPECT_EQ(ctl({"points", "adjust", "--member", code, "--points", "12abc", "--reason", "x"}).exit_code, 2);

  auto redeem = ctl({"reward", "redeem", "--member", code, "--reward", "kopi"});
  ASSERT_EQ(redeem.exit_code, 0) << redeem.err;
  EXPECT_EQ(redeem.out.size(), 17u) << "V-XXXX-XXXX-XXXX and a newline: " << redeem.out;
  auto list = ctl({"rewards", "list", "--store", store});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_EQ(nlohmann::json::parse(list.out)[0]["cost"], 40);

  auto show = ctl({"points", "show", code});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  auto s = nlohmann::json::parse(show.out);
  EXPECT_EQ(s["balance"], 60);
  EXPECT_EQ(s["history"][0]["kind"], "redeem");
  EXPECT_EQ(s["history"][1]["actor"], a["actor"]);
  EXPECT_EQ(s["points_expiring"]["points"], 60);

  // The adjusted lot expires a day later: two days on, `points expire` closes it.
  auto sql = db();
  std::string later;
  *sql << "SELECT to_char((now() + interval '2 days') AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')",
      soci::into(later);
  auto exp = ctl({"points", "expire", "--now", later});
  ASSERT_EQ(exp.exit_code, 0) << exp.err;
  EXPECT_GE(nlohmann::json::parse(exp.out)["expired_points"].get<long long>(), 60);
  EXPECT_EQ(nlohmann::json::parse(ctl({"points", "show", code}).out)["balance"], 0);
  EXPECT_EQ(ctl({"points", "expire", "--now", "tomorrow"}).exit_code, 2);
}

}  // namespace
}  // namespace setia::it
