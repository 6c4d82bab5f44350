// Birthday gifts on real PostgreSQL with a moved clock: the send time in the
// store's zone, once per member and year, 29 February, local dates in
// Jayapura, racing runners under the advisory lock and without it, a
// restart and a catch-up after downtime, the push the outbox renders, and
// no gift for a birth date set too close to the birthday (notice_days).
// Self-contained (no setiad): the job, the Pg adapters and the migrations
// in-process on the database tests/run.sh starts (SETIA_TEST_PG).
#include <atomic>
#include <cstdlib>
#include <future>
#include <latch>
#include <memory>
#include <mutex>
#include <random>
#include <thread>

#include <gtest/gtest.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include "adapters/postgres/migrator.h"
#include "adapters/postgres/pg_birthday_store.h"
#include "adapters/postgres/pg_job_lock.h"
#include "adapters/postgres/pg_member_store.h"
#include "core/outbox/notification_texts.h"
#include "core/scheduler/birthday_job.h"
#include "core/services/members.h"
#include "rules/loader.h"
#include "tests/fakes/manual_clock.h"
#include "tests/support/rule_books.h"

namespace setia::it {
namespace {

std::string conninfo() {
  const char* v = std::getenv("SETIA_TEST_PG");
  if (!v || !*v) {
    ADD_FAILURE() << "SETIA_TEST_PG is not set (run through tests/run.sh)";
    return "";
  }
  return v;
}

void migrate_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    auto r = adapters::postgres::migrate(conninfo());
    ASSERT_TRUE(r.has_value()) << r.error();
  });
}

std::string unique(const std::string& prefix) {
  static std::atomic<int> counter{0};
  static const unsigned salt = std::random_device{}() % 100000;
  return prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" + std::to_string(salt);
}

std::uint64_t random64() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return rng();
}

long long scalar(soci::session& sql, const std::string& query) {
  long long v = 0;
  soci::indicator ind;
  sql << query, soci::into(v, ind);
  return ind == soci::i_ok ? v : 0;
}

using test::at;
using test::book_of;

std::string rule_file(const std::string& store, const std::string& tz, const std::string& send_at,
                      const std::string& more = "") {
  return "version: 1\nstore: \"" + store + "\"\ntimezone: " + tz + "\nbirthday:\n  send_at: \"" + send_at + "\"\n" +
         more +
         "  voucher: { amount_off: 25000, min_spend: 50000, valid_days: 7, title: \"Hadiah Ulang Tahun\" }\n"
         "  message:\n    id: \"Selamat ulang tahun, {name}! Ada hadiah untukmu.\"\n"
         "    en: \"Happy birthday, {name}! A gift is waiting for you.\"\n";
}

using ::setia::test::ManualClock;

class Birthday : public ::testing::Test {
 protected:
  void SetUp() override {
    migrate_once();
    sql_ = std::make_unique<soci::session>(soci::postgresql, conninfo());
  }

  // A member of `store` born on `birth` (YYYY-MM-DD), with one device,
  // whose birth date the shop has had since 2000 (long before any notice).
  long long member(const std::string& store, const std::string& birth, const std::string& name = "Ocha",
                   const std::string& lang = "id") {
    long long id = 0;
    std::string code = unique("M"), phone = "08" + std::to_string(std::hash<std::string>{}(code) % 10'000'000'000ULL);
    *sql_ << "INSERT INTO members (store_id, code, name, phone, birth_date, lang, birth_date_set_at) "
             "VALUES (:s, :c, :n, :p, CAST(:b AS date), :l, '2000-01-01T00:00:00Z') RETURNING id",
        soci::use(store), soci::use(code), soci::use(name), soci::use(phone), soci::use(birth), soci::use(lang),
        soci::into(id);
    std::string token = unique("tok");
    *sql_ << "INSERT INTO devices (store_id, token, member_id) VALUES (:s, :t, :m)", soci::use(store), soci::use(token),
        soci::use(id);
    return id;
  }
  long long vouchers(long long m) {
    return scalar(*sql_,
                  "SELECT count(*) FROM vouchers WHERE source = 'birthday' AND member_id = " + std::to_string(m));
  }
  long long notifications(long long m) {
    return scalar(*sql_,
                  "SELECT count(*) FROM notifications WHERE kind = 'birthday' AND member_id = " + std::to_string(m));
  }
  long long gifts(long long m) {
    return scalar(*sql_, "SELECT count(*) FROM birthday_gifts WHERE member_id = " + std::to_string(m));
  }
  // One gift each: voucher, notification, gift row, outbox row (one device).
  void expect_gifts(long long m, long long n, const std::string& when) {
    EXPECT_EQ(vouchers(m), n) << when;
    EXPECT_EQ(notifications(m), n) << when;
    EXPECT_EQ(gifts(m), n) << when;
    EXPECT_EQ(scalar(*sql_,
                     "SELECT count(*) FROM outbox o JOIN notifications n ON n.id = o.notification_id "
                     "WHERE n.kind = 'birthday' AND n.member_id = " +
                         std::to_string(m)),
              n)
        << when;
  }
  std::expected<std::string, std::string> run(const core::Job& job, std::chrono::system_clock::time_point t) {
    return job.run(t);
  }

  std::unique_ptr<soci::session> sql_;
  adapters::postgres::PgBirthdayStore store_{conninfo()};
};

TEST_F(Birthday, AtSendTimeInJakartaOncePerYear) {
  const std::string store = unique("jakarta");
  auto book = book_of({rule_file(store, "Asia/Jakarta", "09:00")});
  core::Job job = core::birthday_job(store_, core::rules_from(book), random64);
  long long ocha = member(store, "1990-11-23", "Ocha", "en"), other = member(store, "1990-11-24");
  long long unborn = 0;  // no birth date
  {
    std::string code = unique("M");
    *sql_ << "INSERT INTO members (store_id, code, name, phone) VALUES (:s, :c, 'Tanpa', :p) RETURNING id",
        soci::use(store), soci::use(code), soci::use(code), soci::into(unborn);
  }

  ASSERT_TRUE(run(job, at(2026, 11, 23, 8, 59, 7)));
  expect_gifts(ocha, 0, "08:59 WIB");
  ASSERT_TRUE(run(job, at(2026, 11, 23, 9, 0, 7)));
  expect_gifts(ocha, 1, "09:00 WIB");
  ASSERT_TRUE(run(job, at(2026, 11, 23, 23, 59, 7)));
  expect_gifts(ocha, 1, "23:59 WIB, the same year");
  expect_gifts(other, 0, "born the next day");
  EXPECT_EQ(vouchers(unborn), 0);

  // The voucher: the rule file's terms, valid from the run's instant, 7 days.
  std::string code, title, kind;
  long long amount = 0, min_spend = 0, from = 0, until = 0;
  *sql_ << "SELECT code, title, kind, amount_off, min_spend, extract(epoch FROM valid_from)::bigint, "
           "extract(epoch FROM valid_until)::bigint FROM vouchers WHERE source = 'birthday' AND member_id = :m",
      soci::use(ocha), soci::into(code), soci::into(title), soci::into(kind), soci::into(amount), soci::into(min_spend),
      soci::into(from), soci::into(until);
  EXPECT_EQ(title, "Hadiah Ulang Tahun");
  EXPECT_EQ(kind, "amount_off");
  EXPECT_EQ(amount, 25000);
  EXPECT_EQ(min_spend, 50000);
  const auto nine =
      std::chrono::duration_cast<std::chrono::seconds>(at(2026, 11, 23, 9, 0, 7).time_since_epoch()).count();
  EXPECT_EQ(from, nine);
  EXPECT_EQ(until, nine + 7 * 86400);
  EXPECT_EQ(scalar(*sql_,
                   "SELECT count(*) FROM birthday_gifts g JOIN vouchers v ON v.id = g.voucher_id "
                   "WHERE g.year = 2026 AND g.local_date = '2026-11-23' AND g.member_id = " +
                       std::to_string(ocha)),
            1);

  // The notification: what the push is rendered from, deduped per year.
  std::string data, dedupe;
  long long nid = 0;
  *sql_ << "SELECT id, data::text, dedupe_key FROM notifications WHERE kind = 'birthday' AND member_id = :m",
      soci::use(ocha), soci::into(nid), soci::into(data), soci::into(dedupe);
  EXPECT_EQ(dedupe, "birthday:" + std::to_string(ocha) + ":2026");
  auto j = nlohmann::json::parse(data);
  EXPECT_EQ(j["name"], "Ocha");
  EXPECT_EQ(j["voucher_code"], code);
  EXPECT_EQ(j["title"], "Hadiah Ulang Tahun");
  EXPECT_EQ(j["message_id"], "Selamat ulang tahun, Ocha! Ada hadiah untukmu.");
  EXPECT_EQ(j["message_en"], "Happy birthday, Ocha! A gift is waiting for you.");

  core::OutboxItem item;
  item.notification_id = nid;
  item.device_token = "tok";
  item.store_id = store;
  item.kind = "birthday";
  item.data_json = data;
  item.lang = "en";
  auto push = core::render_push(item);
  EXPECT_EQ(push.title, "Happy birthday!");
  EXPECT_EQ(push.body, "Happy birthday, Ocha! A gift is waiting for you.");
  EXPECT_EQ(push.data["voucher_code"], code);
  item.lang = "id";
  push = core::render_push(item);
  EXPECT_EQ(push.title, "Selamat ulang tahun!");
  EXPECT_EQ(push.body, "Selamat ulang tahun, Ocha! Ada hadiah untukmu.");

  // Next year: a new gift.
  ASSERT_TRUE(run(job, at(2027, 11, 23, 9, 0, 7)));
  expect_gifts(ocha, 2, "2027");
  ASSERT_TRUE(run(job, at(2027, 11, 23, 12, 0, 7)));
  expect_gifts(ocha, 2, "2027 again");
  expect_gifts(other, 0, "never on the 23rd");
  ASSERT_TRUE(run(job, at(2027, 11, 24, 9, 0, 7)));
  expect_gifts(other, 1, "the 24th");
}

TEST_F(Birthday, TwentyNinthOfFebruary) {
  const std::string store = unique("leap");
  auto book = book_of({rule_file(store, "Asia/Jakarta", "09:00")});
  core::Job job = core::birthday_job(store_, core::rules_from(book), random64);
  long long leapling = member(store, "2000-02-29");
  ASSERT_TRUE(run(job, at(2027, 2, 27, 23, 0, 7)));
  expect_gifts(leapling, 0, "27 Feb 2027");
  ASSERT_TRUE(run(job, at(2027, 2, 28, 9, 0, 7)));
  expect_gifts(leapling, 1, "28 Feb 2027 (not a leap year)");
  ASSERT_TRUE(run(job, at(2027, 3, 1, 9, 0, 7)));
  expect_gifts(leapling, 1, "1 Mar 2027");
  ASSERT_TRUE(run(job, at(2028, 2, 28, 9, 0, 7)));
  ASSERT_TRUE(run(job, at(2028, 2, 28, 23, 59, 7)));
  expect_gifts(leapling, 1, "28 Feb 2028 (a leap year)");
  ASSERT_TRUE(run(job, at(2028, 2, 29, 9, 0, 7)));
  expect_gifts(leapling, 2, "29 Feb 2028");
  EXPECT_EQ(scalar(*sql_,
                   "SELECT count(*) FROM birthday_gifts WHERE year = 2028 AND local_date = '2028-02-29' "
                   "AND member_id = " +
                       std::to_string(leapling)),
            1);
}

// Jayapura (WIT, UTC+9) sends at 00:00: at 23:59 on 14 June the member born
// on the 14th gets it, the one born on the 15th at 00:01 on the 15th (still
// the 14th in UTC and in Jakarta, whose member born on the 15th waits).
TEST_F(Birthday, JayapuraLocalDates) {
  const std::string jap = unique("jayapura"), jkt = unique("jakarta");
  auto book = book_of({rule_file(jap, "Asia/Jayapura", "00:00"), rule_file(jkt, "Asia/Jakarta", "00:00")});
  core::Job job = core::birthday_job(store_, core::rules_from(book), random64);
  long long a = member(jap, "1995-06-14"), b = member(jap, "1995-06-15"), c = member(jkt, "1995-06-15");
  ASSERT_TRUE(run(job, at(2026, 6, 14, 23, 59, 9)));
  expect_gifts(a, 1, "23:59 WIT on the 14th");
  expect_gifts(b, 0, "23:59 WIT on the 14th");
  ASSERT_TRUE(run(job, at(2026, 6, 15, 0, 1, 9)));
  expect_gifts(a, 1, "00:01 WIT on the 15th");
  expect_gifts(b, 1, "00:01 WIT on the 15th");
  expect_gifts(c, 0, "22:01 WIB on the 14th");
  ASSERT_TRUE(run(job, at(2026, 6, 15, 0, 1, 7)));
  expect_gifts(c, 1, "00:01 WIB on the 15th");
}

// Two daemons: the first holds the job's advisory lock while it runs, the
// second finds it held and skips. Then eight schedulers tick at once, and
// four bare runs (no lock at all) race: still one gift per member and year.
TEST_F(Birthday, RacingRunnersGiveOnce) {
  const std::string store = unique("race");
  auto book = book_of({rule_file(store, "Asia/Jakarta", "09:00")});
  std::vector<long long> members;
  for (int i = 0; i < 10; ++i) members.push_back(member(store, "1990-11-23"));

  adapters::postgres::PgJobLock lock_a(conninfo()), lock_b(conninfo());
  adapters::postgres::PgBirthdayStore store_a(conninfo()), store_b(conninfo());
  core::Job job_a = core::birthday_job(store_a, core::rules_from(book), random64);
  core::Job job_b = core::birthday_job(store_b, core::rules_from(book), random64);
  std::promise<void> a_running, b_tried;
  int a_runs = 0, b_runs = 0;
  auto inner_a = job_a.run;
  job_a.run = [&](auto t) {
    ++a_runs;
    auto r = inner_a(t);
    a_running.set_value();
    b_tried.get_future().wait();
    return r;
  };
  auto inner_b = job_b.run;
  job_b.run = [&](auto t) {
    ++b_runs;
    return inner_b(t);
  };
  const auto now = at(2026, 11, 23, 9, 0, 7);
  core::JobOutcome a_outcome{};
  std::thread ta([&] { a_outcome = core::run_job_once(job_a, lock_a, now); });
  a_running.get_future().wait();
  core::JobOutcome b_outcome = core::run_job_once(job_b, lock_b, now);
  b_tried.set_value();
  ta.join();
  EXPECT_EQ(a_outcome, core::JobOutcome::ran);
  EXPECT_EQ(b_outcome, core::JobOutcome::busy);
  EXPECT_EQ(a_runs, 1);
  EXPECT_EQ(b_runs, 0);
  for (long long m : members) expect_gifts(m, 1, "after the locked race");
  EXPECT_EQ(core::run_job_once(job_b, lock_b, at(2026, 11, 23, 9, 1, 7)), core::JobOutcome::ran);
  for (long long m : members) expect_gifts(m, 1, "after the next run");

  // Eight schedulers, one instant (2027).
  ManualClock clock(at(2027, 11, 23, 9, 0, 7));
  std::latch go(8);
  std::atomic<int> ran{0}, busy{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      adapters::postgres::PgJobLock lock(conninfo());
      adapters::postgres::PgBirthdayStore bs(conninfo());
      core::Scheduler scheduler(clock, lock);
      scheduler.add(core::birthday_job(bs, core::rules_from(book), random64));
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
  for (long long m : members) expect_gifts(m, 2, "after eight schedulers");

  // No lock: four bare runs at once (2028); each may have picked the same
  // candidates, the gift's key lets one through.
  std::latch go2(4);
  std::atomic<int> ok{0};
  threads.clear();
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      adapters::postgres::PgBirthdayStore bs(conninfo());
      core::Job job = core::birthday_job(bs, core::rules_from(book), random64);
      (void)bs.member_stores();
      go2.arrive_and_wait();
      if (job.run(at(2028, 11, 23, 9, 0, 7))) ++ok;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 4);
  for (long long m : members) expect_gifts(m, 3, "after racing bare runs");
}

// A daemon runs at 09:05 and restarts; the fresh one runs at 09:10: still
// one. A daemon down at send time gives it when it comes back that day.
TEST_F(Birthday, RestartAndCatchUp) {
  const std::string store = unique("restart");
  auto book = book_of({rule_file(store, "Asia/Jakarta", "09:00")});
  long long m = member(store, "1990-11-23");
  {
    ManualClock clock(at(2026, 11, 23, 9, 5, 7));
    adapters::postgres::PgJobLock lock(conninfo());
    adapters::postgres::PgBirthdayStore bs(conninfo());
    core::Scheduler scheduler(clock, lock);
    scheduler.add(core::birthday_job(bs, core::rules_from(book), random64));
    auto out = scheduler.run_due();
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].second, core::JobOutcome::ran);
  }
  expect_gifts(m, 1, "09:05");
  {
    ManualClock clock(at(2026, 11, 23, 9, 10, 7));
    adapters::postgres::PgJobLock lock(conninfo());
    adapters::postgres::PgBirthdayStore bs(conninfo());
    core::Scheduler scheduler(clock, lock);
    scheduler.add(core::birthday_job(bs, core::rules_from(book), random64));
    auto out = scheduler.run_due();
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].second, core::JobOutcome::ran);
  }
  expect_gifts(m, 1, "09:10 after a restart");

  // Down from 08:00 to 15:30 on the next year's birthday: given at 15:30.
  core::Job job = core::birthday_job(store_, core::rules_from(book), random64);
  ASSERT_TRUE(run(job, at(2027, 11, 23, 8, 0, 7)));
  expect_gifts(m, 1, "08:00, 2027");
  ASSERT_TRUE(run(job, at(2027, 11, 23, 15, 30, 7)));
  expect_gifts(m, 2, "15:30, 2027, after downtime");
  // Down all through the birthday of 2028: not given the next day.
  ASSERT_TRUE(run(job, at(2028, 11, 24, 0, 0, 7)));
  expect_gifts(m, 2, "the day after, 2028");
}

// The default rule file "*" covers stores without their own file.
TEST_F(Birthday, DefaultRuleFileCoversOtherStores) {
  const std::string store = unique("anywhere"), own = unique("own");
  auto book = book_of({rule_file("*", "Asia/Makassar", "09:00"), rule_file(own, "Asia/Jakarta", "10:00")});
  long long m = member(store, "1987-07-07"), o = member(own, "1987-07-07");
  core::Job job = core::birthday_job(store_, core::rules_from(book), random64);
  ASSERT_TRUE(run(job, at(2031, 7, 7, 9, 30, 8)));  // 09:30 WITA, 08:30 WIB
  expect_gifts(m, 1, "09:30 WITA by the default file");
  expect_gifts(o, 0, "08:30 WIB: its own file says 10:00");
  ASSERT_TRUE(run(job, at(2031, 7, 7, 10, 0, 7)));
  expect_gifts(o, 1, "10:00 WIB");
  expect_gifts(m, 1, "10:00 WIB");
}

// A birth date set fewer than birthday.notice_days (default 30) before the
// birthday brings nothing that year: a member who registers today giving
// today as their birthday gets no voucher today; one whose date was set
// long enough ago does; a store whose file says notice_days: 0 gives it at
// once. Registered through the Members service, so the instant is the
// database's (migrations/0021_accounts.sql), and the job runs at now.
TEST_F(Birthday, ABirthDateSetTooCloseToTheBirthdayBringsNoGiftThatYear) {
  const std::string store = unique("notice"), eager = unique("eager");
  auto book = book_of(
      {rule_file(store, "Asia/Jakarta", "00:00"), rule_file(eager, "Asia/Jakarta", "00:00", "  notice_days: 0\n")});
  core::Job job = core::birthday_job(store_, core::rules_from(book), random64);
  const auto now = std::chrono::system_clock::now();
  const auto today = core::birthday_schedule(*book, now).at(0).local_date;  // Jakarta's today
  char born[16];
  std::snprintf(born, sizeof born, "1990-%02d-%02d", today.month, today.day);
  if (today.month == 2 && today.day == 29) GTEST_SKIP() << "1990 had no 29 February";

  adapters::postgres::PgMemberStore members_store(conninfo());
  core::Members members(members_store, random64);
  auto add = [&](const std::string& shop, const std::string& name) {
    auto m =
        members.add({shop, name, "0812" + std::to_string(random64() % 100'000'000), std::nullopt, born, std::nullopt});
    EXPECT_TRUE(m) << m.error().message;
    return m ? m->id : 0;
  };
  const long long today_new = add(store, "Baru"), long_known = add(store, "Lama"), eager_new = add(eager, "Cepat");
  EXPECT_EQ(scalar(*sql_, "SELECT count(*) FROM members WHERE id = " + std::to_string(today_new) +
                              " AND birth_date_set_at > now() - interval '1 minute'"),
            1)
      << "registration stamps the birth date";
  // The shop has known this one's birth date for 60 days.
  *sql_ << "UPDATE members SET birth_date_set_at = now() - interval '60 days' WHERE id = :m", soci::use(long_known);

  ASSERT_TRUE(run(job, now));
  EXPECT_EQ(vouchers(today_new), 0) << "registered today with today's birthday";
  EXPECT_EQ(gifts(today_new), 0);
  EXPECT_EQ(vouchers(long_known), 1) << "set 60 days ago";
  EXPECT_EQ(vouchers(eager_new), 1) << "notice_days: 0";
  // A later run that day does not change its mind.
  ASSERT_TRUE(run(job, now + std::chrono::minutes(1)));
  EXPECT_EQ(vouchers(today_new), 0);

  // Changing the date restarts the clock: a member whose date was known
  // for long, corrected today to today, waits too.
  const long long corrected = member(store, "1990-01-01", "Koreksi");  // known since 2000
  // Bound by reference and read when the statement runs, at the end of the
  // full expression: a named string, not a temporary destroyed before it.
  const std::string born_text = born;
  *sql_ << "UPDATE members SET birth_date = CAST(:b AS date) WHERE id = :m", soci::use(born_text), soci::use(corrected);
  EXPECT_EQ(scalar(*sql_, "SELECT count(*) FROM members WHERE id = " + std::to_string(corrected) +
                              " AND birth_date_set_at > now() - interval '1 minute'"),
            1);
  ASSERT_TRUE(run(job, now + std::chrono::minutes(2)));
  EXPECT_EQ(vouchers(corrected), 0) << "changed today";
  // No birth date (an erasure empties it): no trace of when it was set.
  *sql_ << "UPDATE members SET birth_date = NULL WHERE id = :m", soci::use(corrected);
  EXPECT_EQ(scalar(*sql_, "SELECT count(*) FROM members WHERE id = " + std::to_string(corrected) +
                              " AND birth_date_set_at IS NULL AND birth_date_set_by IS NULL"),
            1);
}

}  // namespace
}  // namespace setia::it
