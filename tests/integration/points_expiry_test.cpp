// Points expiry on real PostgreSQL with a moved clock: store-local midnight
// in two time zones (lots whose expiry the rules computed), idempotence,
// catching up after downtime, and the scheduled job run once when runners
// race for its advisory lock.
#include <future>
#include <latch>
#include <thread>

#include <gtest/gtest.h>

#include "adapters/postgres/pg_job_lock.h"
#include "adapters/postgres/pg_points_store.h"
#include "core/scheduler/points_expiry_job.h"
#include "core/services/points.h"
#include "points_support.h"
#include "rules/expiry.h"

namespace setia::it {
namespace {

using namespace std::chrono_literals;

std::chrono::system_clock::time_point at(std::int64_t unix_seconds) {
  return std::chrono::system_clock::time_point(std::chrono::seconds(unix_seconds));
}

long long expire_rows(soci::session& sql, long long member) {
  return scalar(sql,
                "SELECT count(*) FROM points_ledger WHERE kind = 'expire' AND member_id = " + std::to_string(member));
}

class Expiry : public ::testing::Test {
 protected:
  void SetUp() override {
    migrate_once();
    sql_ = db();
  }
  std::unique_ptr<soci::session> sql_;
  adapters::postgres::PgPointsStore store_{pg_conninfo()};
};

// "Points earned in May last until the end of May" means until midnight on
// the store's wall clock: 17:00 UTC in Jakarta (UTC+7), 15:00 UTC in
// Jayapura (UTC+9). Both lots' expiry comes from rules::expiry_instant.
TEST_F(Expiry, AtStoreLocalMidnightInJakartaAndJayapura) {
  auto& sql = *sql_;
  const std::string jakarta = unique("jakarta"), jayapura = unique("jayapura");
  auto rules_of = [](const std::string& store, const std::string& tz) {
    return book_of("version: 1\nstore: " + store + "\ntimezone: " + tz + "\npoints:\n  expiry: {at: end_of_month}\n");
  };
  auto jkt_book = rules_of(jakarta, "Asia/Jakarta"), jap_book = rules_of(jayapura, "Asia/Jayapura");
  const rules::RuleSet& jkt = *jkt_book->for_store(jakarta);
  const rules::RuleSet& jap = *jap_book->for_store(jayapura);
  // Earned at 23:00 on 31 May, each on its own store's clock.
  auto jkt_expiry = rules::expiry_instant(jkt, at_offset(2020, 5, 31, 23, 0, 7));
  auto jap_expiry = rules::expiry_instant(jap, at_offset(2020, 5, 31, 23, 0, 9));
  ASSERT_EQ(jkt_expiry, at_offset(2020, 6, 1, 0, 0, 7));
  ASSERT_EQ(jap_expiry, at_offset(2020, 6, 1, 0, 0, 9));
  auto a = new_member(sql, jakarta), b = new_member(sql, jayapura);
  long long a_lot = credit(sql, a.id, 100, jkt_expiry), b_lot = credit(sql, b.id, 80, jap_expiry);
  credit(sql, a.id, 5, rules::expiry_instant(jkt, at_offset(2020, 6, 1, 0, 0, 7)));  // June's: lasts to July

  // 14:59:59 UTC: 23:59:59 in Jayapura, 21:59:59 in Jakarta. Nothing yet.
  ASSERT_TRUE(core::expire_points(store_, at(at_offset(2020, 5, 31, 23, 59, 9) + 59)));
  EXPECT_EQ(expire_rows(sql, a.id) + expire_rows(sql, b.id), 0);
  // 15:00 UTC: midnight in Jayapura, 22:00 in Jakarta.
  ASSERT_TRUE(core::expire_points(store_, at(at_offset(2020, 6, 1, 0, 0, 9))));
  EXPECT_EQ(remaining(sql, b_lot), 0);
  EXPECT_EQ(balance(sql, b.id), 0);
  EXPECT_EQ(remaining(sql, a_lot), 100) << "still 22:00 in Jakarta";
  // 16:59:59 UTC: 23:59:59 in Jakarta.
  ASSERT_TRUE(core::expire_points(store_, at(at_offset(2020, 5, 31, 23, 59, 7) + 59)));
  EXPECT_EQ(remaining(sql, a_lot), 100);
  // 17:00 UTC: midnight in Jakarta.
  ASSERT_TRUE(core::expire_points(store_, at(at_offset(2020, 6, 1, 0, 0, 7))));
  EXPECT_EQ(remaining(sql, a_lot), 0);
  EXPECT_EQ(balance(sql, a.id), 5) << "June's lot stays";
  EXPECT_EQ(expire_rows(sql, a.id), 1);
  EXPECT_EQ(expire_rows(sql, b.id), 1);
  expect_ledger_consistent(sql, a.id, "Jakarta after midnight");
  expect_ledger_consistent(sql, b.id, "Jayapura after midnight");

  // What the member sees: the expire row with its lot's expiry, in store time.
  ManualClock clock(at_offset(2020, 6, 1, 0, 0, 9));
  core::PointsLedger ledger(store_, core::rules_from(jap_book), clock);
  auto page = ledger.history(b.code);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[0].entry.kind, "expire");
  EXPECT_EQ(page->items[0].entry.points, -80);
  EXPECT_EQ(page->items[0].expires_at, "2020-06-01T00:00:00+09:00");
}

TEST_F(Expiry, IsIdempotentAndCatchesUpAfterDaysOfDowntime) {
  auto& sql = *sql_;
  const std::string store = unique("toko");
  auto m = new_member(sql, store);
  // A lot expiring at 00:00 WIB on each of 1..5 June 2021, and one later.
  std::vector<long long> lots;
  for (unsigned d = 1; d <= 5; ++d) lots.push_back(credit(sql, m.id, 10 * d, at_offset(2021, 6, d, 0, 0, 7)));
  long long july = credit(sql, m.id, 7, at_offset(2021, 7, 1, 0, 0, 7));
  // Some of the first lot was spent: only what is left expires.
  sql << "SELECT setia_spend_points(:m, 4, 'redeem')", soci::use(m.id);
  expect_ledger_consistent(sql, m.id, "before");

  auto r = core::expire_points(store_, at(at_offset(2021, 5, 31, 23, 59, 7)), store);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->lots, 0);
  // The daemon was down from 31 May to 6 June: one run takes all five, in
  // batches of two (three short transactions).
  r = core::expire_points(store_, at(at_offset(2021, 6, 6, 9, 0, 7)), store, 2);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->lots, 5);
  EXPECT_EQ(r->points, 150 - 4);
  EXPECT_EQ(r->batches, 3);
  for (long long lot : lots) EXPECT_EQ(remaining(sql, lot), 0);
  EXPECT_EQ(remaining(sql, july), 7);
  EXPECT_EQ(balance(sql, m.id), 7);
  EXPECT_EQ(
      scalar(sql, "SELECT -points FROM points_ledger WHERE kind = 'expire' AND lot_id = " + std::to_string(lots[0])),
      6);
  expect_ledger_consistent(sql, m.id, "after the catch-up");

  // Again, and again later: nothing new.
  long long rows = scalar(sql, "SELECT count(*) FROM points_ledger WHERE member_id = " + std::to_string(m.id));
  r = core::expire_points(store_, at(at_offset(2021, 6, 6, 9, 0, 7)), store);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->lots, 0);
  r = core::expire_points(store_, at(at_offset(2021, 6, 20, 0, 0, 7)), store);
  EXPECT_EQ(r->lots, 0);
  EXPECT_EQ(scalar(sql, "SELECT count(*) FROM points_ledger WHERE member_id = " + std::to_string(m.id)), rows);
  EXPECT_EQ(expire_rows(sql, m.id), 5);
}

// Two runners (two daemons: their own lock connections and stores) reach
// the job at once: the first holds the advisory lock while it runs, the
// second finds it held and skips.
TEST_F(Expiry, TheJobRunsOnceWhenTwoRunnersRace) {
  auto& sql = *sql_;
  const std::string store = unique("toko");
  auto m = new_member(sql, store);
  for (unsigned d = 1; d <= 3; ++d) credit(sql, m.id, 10, at_offset(2022, 3, d, 12, 0, 7));
  const auto now = at(at_offset(2022, 3, 4, 0, 0, 7));

  adapters::postgres::PgJobLock lock_a(pg_conninfo()), lock_b(pg_conninfo());
  adapters::postgres::PgPointsStore store_a(pg_conninfo()), store_b(pg_conninfo());
  core::Job job_a = core::points_expiry_job(store_a), job_b = core::points_expiry_job(store_b);
  std::promise<void> a_running, b_tried;
  int a_runs = 0, b_runs = 0;
  auto inner_a = job_a.run;
  job_a.run = [&](auto t) {
    ++a_runs;
    auto r = inner_a(t);
    a_running.set_value();
    b_tried.get_future().wait();  // hold the lock until B has tried
    return r;
  };
  auto inner_b = job_b.run;
  job_b.run = [&](auto t) {
    ++b_runs;
    return inner_b(t);
  };
  core::JobOutcome a_outcome{};
  std::thread a([&] { a_outcome = core::run_job_once(job_a, lock_a, now); });
  a_running.get_future().wait();
  core::JobOutcome b_outcome = core::run_job_once(job_b, lock_b, now);
  b_tried.set_value();
  a.join();
  EXPECT_EQ(a_outcome, core::JobOutcome::ran);
  EXPECT_EQ(b_outcome, core::JobOutcome::busy);
  EXPECT_EQ(a_runs, 1);
  EXPECT_EQ(b_runs, 0);
  EXPECT_EQ(expire_rows(sql, m.id), 3);
  // The lock was given back: the next period's run takes it (and finds nothing to do).
  EXPECT_EQ(core::run_job_once(job_b, lock_b, now), core::JobOutcome::ran);
  EXPECT_EQ(expire_rows(sql, m.id), 3);
  expect_ledger_consistent(sql, m.id, "after the race");
}

// Eight schedulers with their own connections tick at the same instant; and
// even without the lock (operators running `points expire` by hand while a
// daemon does), each lot expires once.
TEST_F(Expiry, RacingSchedulersAndRacingRunsExpireEachLotOnce) {
  auto& sql = *sql_;
  const std::string store = unique("toko");
  std::vector<TestMember> members;
  for (int i = 0; i < 20; ++i) {
    members.push_back(new_member(sql, store));
    for (unsigned d = 1; d <= 3; ++d) credit(sql, members.back().id, 10, at_offset(2023, 3, d, 12, 0, 7));
  }
  ManualClock clock(at_offset(2023, 3, 4, 0, 0, 7));
  std::latch go(8);
  std::atomic<int> ran{0}, busy{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      adapters::postgres::PgJobLock lock(pg_conninfo());
      adapters::postgres::PgPointsStore points(pg_conninfo());
      core::Scheduler scheduler(clock, lock);
      scheduler.add(core::points_expiry_job(points));
      (void)lock.try_lock("warm-up");
      go.arrive_and_wait();
      for (const auto& [name, outcome] : scheduler.run_due()) {
        if (outcome == core::JobOutcome::ran) ++ran;
        if (outcome == core::JobOutcome::busy) ++busy;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_GE(ran.load(), 1);
  EXPECT_EQ(ran.load() + busy.load(), 8);
  for (const auto& m : members) {
    EXPECT_EQ(expire_rows(sql, m.id), 3);
    EXPECT_EQ(balance(sql, m.id), 0);
  }

  // No lock at all: four bare runs at once over fresh due lots.
  for (const auto& m : members) credit(sql, m.id, 10, at_offset(2023, 3, 5, 12, 0, 7));
  std::latch go2(4);
  threads.clear();
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      adapters::postgres::PgPointsStore points(pg_conninfo());
      (void)points.account("warm-up");
      go2.arrive_and_wait();
      EXPECT_TRUE(core::expire_points(points, at(at_offset(2023, 3, 6, 0, 0, 7)), store, 7));
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& m : members) {
    EXPECT_EQ(expire_rows(sql, m.id), 4);
    expect_ledger_consistent(sql, m.id, "after racing bare runs");
  }
}

}  // namespace
}  // namespace setia::it
