// The scheduled pushes on real PostgreSQL with a moved clock: reminders of
// points about to expire (the window in the store's zone, once per lot,
// spent and expired lots left out, racing runners), promo announcements
// (once per promo and start, to the store's members only), and dead-letter
// alerts to the admins' FCM topic. The jobs, the Pg adapter and the
// migrations in-process (no setiad, no broker).
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "adapters/postgres/pg_scheduled_push_store.h"
#include "core/outbox/notification_texts.h"
#include "core/scheduler/push_jobs.h"
#include "points_support.h"

namespace setia::it {
namespace {

using test::at;

class ScheduledPushes : public ::testing::Test {
 protected:
  void SetUp() override {
    migrate_once();
    sql_ = db();
  }
  // A member of `store` with one device, who opted in to promo pushes.
  TestMember member(const std::string& store, const std::string& lang = "id") {
    auto m = new_member(*sql_, store);
    std::string token = unique("tok");
    *sql_ << "UPDATE members SET lang = :l WHERE id = :m", soci::use(lang), soci::use(m.id);
    *sql_ << "INSERT INTO devices (store_id, token, member_id) VALUES (:s, :t, :m)", soci::use(store), soci::use(token),
        soci::use(m.id);
    consent(store, m.id, true);
    return m;
  }
  // The member's choice about promo pushes, as the app records it.
  void consent(const std::string& store, long long member, bool granted) {
    int g = granted ? 1 : 0;
    *sql_ << "SELECT setia_record_consent(:s, :m, 'push_promo', CAST(:g AS int) <> 0, 'app', '127.0.0.1', NULL, "
             "NULL, NULL)",
        soci::use(store), soci::use(member), soci::use(g);
  }
  long long count(const std::string& kind, long long member) {
    return scalar(*sql_, "SELECT count(*) FROM notifications WHERE kind = '" + kind +
                             "' AND member_id = " + std::to_string(member));
  }
  nlohmann::json last_data(const std::string& kind, long long member) {
    std::string data;
    *sql_ << "SELECT data::text FROM notifications WHERE kind = :k AND member_id = :m ORDER BY id DESC LIMIT 1",
        soci::use(kind), soci::use(member), soci::into(data);
    return nlohmann::json::parse(data);
  }
  core::JobOutcome run(const core::Job& job, std::chrono::system_clock::time_point now) {
    auto r = job.run(now);
    EXPECT_TRUE(r.has_value()) << r.error();
    return r ? core::JobOutcome::ran : core::JobOutcome::failed;
  }

  std::unique_ptr<soci::session> sql_;
  adapters::postgres::PgScheduledPushStore store_{pg_conninfo()};
};

std::string expiring_rules(const std::string& store, const std::string& tz) {
  return "version: 1\nstore: " + store + "\ntimezone: " + tz +
         "\npoints:\n  earn: [{name: base, per_amount: 1000, points: 1}]\n  expiry: {after_days: 365}\n";
}

// Remind 7 days ahead at 09:00 store-local (the defaults): on 23 November
// the lots valid until 30 November or earlier, each lot once.
TEST_F(ScheduledPushes, ExpiringPointsAreRemindedOncePerLotAtNineInTheStoresZone) {
  const std::string store = unique("kopi");
  auto job = core::expiry_reminder_job(store_, core::rules_from(book_of(expiring_rules(store, "Asia/Jakarta"))));
  auto a = member(store), b = member(store, "en"), other = member(unique("other"));
  credit(*sql_, a.id, 50, at_offset(2026, 11, 25, 11, 11, 7));
  credit(*sql_, a.id, 20, at_offset(2026, 12, 1, 0, 0, 7));    // valid until 30 Nov: in the window
  long long late = credit(*sql_, a.id, 30, at_offset(2026, 12, 1, 0, 1, 7));  // valid on 1 Dec: not yet
  credit(*sql_, a.id, 40, at_offset(2026, 11, 23, 8, 0, 7));   // expired already: not reminded
  long long spent = credit(*sql_, b.id, 10, at_offset(2026, 11, 26, 9, 0, 7));
  credit(*sql_, b.id, 5, at_offset(2026, 11, 27, 9, 0, 7));
  credit(*sql_, other.id, 99, at_offset(2026, 11, 25, 9, 0, 7));  // another store's rules (none) apply
  *sql_ << "UPDATE points_ledger SET remaining = 0 WHERE id = :l", soci::use(spent);

  run(job, at(2026, 11, 23, 8, 59, 7));
  EXPECT_EQ(count("points_expiring", a.id), 0) << "before 09:00 WIB";
  run(job, at(2026, 11, 23, 9, 0, 7));
  ASSERT_EQ(count("points_expiring", a.id), 1);
  auto data = last_data("points_expiring", a.id);
  EXPECT_EQ(data["points"], 70);
  EXPECT_EQ(data["lots"], 2);
  EXPECT_EQ(data["valid_until"], "2026-11-25");
  EXPECT_EQ(data["expires_at"], at_offset(2026, 11, 25, 11, 11, 7));
  ASSERT_EQ(count("points_expiring", b.id), 1);
  EXPECT_EQ(last_data("points_expiring", b.id)["points"], 5) << "a spent lot is not reminded";
  EXPECT_EQ(count("points_expiring", other.id), 0);

  // The outbox row renders in the member's language.
  core::OutboxItem item;
  *sql_ << "SELECT n.id, n.kind, n.data::text, m.lang FROM notifications n JOIN members m ON m.id = n.member_id "
           "WHERE n.kind = 'points_expiring' AND n.member_id = :m",
      soci::use(b.id), soci::into(item.notification_id), soci::into(item.kind), soci::into(item.data_json),
      soci::into(item.lang);
  EXPECT_EQ(core::render_push(item).body, "5 of your points are valid until 27 Nov 2026. Use them before they expire!");
  EXPECT_EQ(scalar(*sql_,
                   "SELECT count(*) FROM outbox o JOIN notifications n ON n.id = o.notification_id "
                   "WHERE n.kind = 'points_expiring' AND n.member_id = " +
                       std::to_string(a.id)),
            1);

  // Runs later that day, and a restart (a new store), remind nobody again.
  run(job, at(2026, 11, 23, 15, 0, 7));
  adapters::postgres::PgScheduledPushStore restarted{pg_conninfo()};
  auto job2 = core::expiry_reminder_job(restarted, core::rules_from(book_of(expiring_rules(store, "Asia/Jakarta"))));
  run(job2, at(2026, 11, 23, 23, 59, 7));
  EXPECT_EQ(count("points_expiring", a.id), 1);
  // The next morning the 1 December lot enters the window: one more push.
  run(job2, at(2026, 11, 24, 9, 0, 7));
  ASSERT_EQ(count("points_expiring", a.id), 2);
  EXPECT_EQ(last_data("points_expiring", a.id)["points"], 30);
  EXPECT_EQ(last_data("points_expiring", a.id)["valid_until"], "2026-12-01");
  EXPECT_EQ(scalar(*sql_, "SELECT count(*) FROM points_expiry_reminders WHERE lot_id = " + std::to_string(late)), 1);
}

// The reminders go out once a day: a lot earned after the day's run, even
// one that ends inside the window, waits for the next morning instead of
// following its sale's push a minute later.
TEST_F(ScheduledPushes, PointsEarnedAfterTheDaysRunWaitForTheNextDay) {
  const std::string store = unique("month");
  const std::string rules = "version: 1\nstore: " + store +
                            "\ntimezone: Asia/Jakarta\npoints:\n  earn: [{name: base, "
                            "per_amount: 1000, points: 1}]\n  expiry: {at: end_of_month}\n";
  auto job = core::expiry_reminder_job(store_, core::rules_from(book_of(rules)));
  auto a = member(store);
  credit(*sql_, a.id, 10, at_offset(2026, 12, 1, 0, 0, 7));
  run(job, at(2026, 11, 28, 9, 0, 7));
  ASSERT_EQ(count("points_expiring", a.id), 1);
  credit(*sql_, a.id, 25, at_offset(2026, 12, 1, 0, 0, 7));  // a sale at 12:00 on the 28th
  run(job, at(2026, 11, 28, 12, 1, 7));
  adapters::postgres::PgScheduledPushStore restarted{pg_conninfo()};
  auto job2 = core::expiry_reminder_job(restarted, core::rules_from(book_of(rules)));
  run(job2, at(2026, 11, 28, 20, 0, 7));
  EXPECT_EQ(count("points_expiring", a.id), 1) << "the day's reminders were sent at 09:00";
  run(job2, at(2026, 11, 29, 9, 0, 7));
  ASSERT_EQ(count("points_expiring", a.id), 2);
  EXPECT_EQ(last_data("points_expiring", a.id)["points"], 25);
  EXPECT_EQ(scalar(*sql_, "SELECT members FROM points_expiry_reminder_runs WHERE store_id = '" + store +
                              "' AND local_date = '2026-11-29'"),
            1);
}

// The window is the store's local days: at 09:00 WIT on 23 November (01:00
// WIB) Jayapura reminds up to 30 November WIT; Jakarta has not started.
TEST_F(ScheduledPushes, TheWindowFollowsEachStoresZone) {
  const std::string jkt = unique("jkt"), jap = unique("jap");
  auto book = test::book_of({expiring_rules(jkt, "Asia/Jakarta"), expiring_rules(jap, "Asia/Jayapura")});
  auto job = core::expiry_reminder_job(store_, core::rules_from(book));
  auto a = member(jkt), b = member(jap);
  credit(*sql_, a.id, 10, at_offset(2026, 11, 30, 23, 30, 7));
  credit(*sql_, b.id, 10, at_offset(2026, 11, 30, 23, 30, 9));
  credit(*sql_, b.id, 7, at_offset(2026, 12, 1, 0, 30, 9));
  run(job, at(2026, 11, 23, 9, 0, 9));
  EXPECT_EQ(count("points_expiring", a.id), 0);
  ASSERT_EQ(count("points_expiring", b.id), 1);
  EXPECT_EQ(last_data("points_expiring", b.id)["points"], 10);
  EXPECT_EQ(last_data("points_expiring", b.id)["valid_until"], "2026-11-30");
  run(job, at(2026, 11, 23, 9, 0, 7));
  ASSERT_EQ(count("points_expiring", a.id), 1);
  EXPECT_EQ(last_data("points_expiring", a.id)["valid_until"], "2026-11-30");
}

// Several daemons: the advisory lock lets one run; even without it (two
// runs at once) a lot is reminded once, by its primary key.
TEST_F(ScheduledPushes, RacingRunsRemindEachLotOnce) {
  const std::string store = unique("race");
  auto book = book_of(expiring_rules(store, "Asia/Jakarta"));
  std::vector<TestMember> members;
  for (int i = 0; i < 20; ++i) {
    members.push_back(member(store));
    for (int k = 0; k < 3; ++k) credit(*sql_, members.back().id, 10 + k, at_offset(2026, 11, 26 + k, 10, 0, 7));
  }
  adapters::postgres::PgScheduledPushStore s1{pg_conninfo()}, s2{pg_conninfo()};
  auto j1 = core::expiry_reminder_job(s1, core::rules_from(book));
  auto j2 = core::expiry_reminder_job(s2, core::rules_from(book));
  std::expected<std::string, std::string> r1, r2;
  std::thread t([&] { r1 = j1.run(at(2026, 11, 23, 9, 0, 7)); });
  r2 = j2.run(at(2026, 11, 23, 9, 0, 7));
  t.join();
  ASSERT_TRUE(r1.has_value()) << r1.error();
  ASSERT_TRUE(r2.has_value()) << r2.error();
  EXPECT_TRUE(r1->empty() != r2->empty())
      << "one run sent the day's reminders, the other found them sent: '" << *r1 << "' / '" << *r2 << "'";
  long long total = 0;
  for (const auto& m : members) {
    total += scalar(*sql_,
                    "SELECT coalesce(sum((data->>'lots')::int), 0) FROM notifications "
                    "WHERE kind = 'points_expiring' AND member_id = " +
                        std::to_string(m.id));
  }
  EXPECT_EQ(total, 60) << "every lot in exactly one reminder";
  EXPECT_EQ(scalar(*sql_,
                   "SELECT count(*) FROM points_expiry_reminders r JOIN points_ledger l ON l.id = r.lot_id "
                   "WHERE l.store_id = '" +
                       store + "'"),
            60);
}

std::string promo_rules(const std::string& store, const std::string& fields) {
  return "version: 1\nstore: " + store +
         "\ntimezone: Asia/Jakarta\npromos:\n"
         "  - {id: cakalang-10, title: \"Diskon 10% Nasi Cakalang\", from: 2026-12-01, until: 2026-12-31,"
         " voucher: {percent_off: 10, valid_days: 7}" +
         fields + "}\n";
}

TEST_F(ScheduledPushes, APromoIsAnnouncedOnceToItsStoresMembers) {
  const std::string store = unique("promo"), elsewhere = unique("elsewhere");
  auto job = core::promo_announcement_job(store_, core::rules_from(book_of(promo_rules(store, ", announce: true"))));
  auto a = member(store), b = member(store, "en"), c = new_member(*sql_, store), x = member(elsewhere);
  consent(store, c.id, true);
  auto no_promos = member(store);
  consent(store, no_promos.id, false);  // opted in, then out
  auto never_asked = new_member(*sql_, store);
  auto erased = member(store);
  std::string erasure, erased_id = std::to_string(erased.id);
  *sql_ << "SELECT setia_erase_member(:s, :m, 'member', 'test', false)::text", soci::use(store), soci::use(erased_id),
      soci::into(erasure);
  run(job, at(2026, 11, 30, 12, 0, 7));
  run(job, at(2026, 12, 1, 8, 59, 7));
  EXPECT_EQ(count("promo", a.id), 0) << "before its first day's 09:00";
  run(job, at(2026, 12, 1, 9, 0, 7));
  EXPECT_EQ(count("promo", a.id), 1);
  EXPECT_EQ(count("promo", b.id), 1);
  EXPECT_EQ(count("promo", c.id), 1) << "recorded for a member without a device (no outbox row)";
  EXPECT_EQ(count("promo", x.id), 0);
  EXPECT_EQ(count("promo", no_promos.id), 0) << "turned promo pushes off";
  EXPECT_EQ(count("promo", never_asked.id), 0) << "never asked: marketing is opt-in";
  EXPECT_EQ(count("promo", erased.id), 0) << "erased";
  EXPECT_EQ(last_data("promo", a.id)["title"], "Diskon 10% Nasi Cakalang");
  EXPECT_EQ(scalar(*sql_, "SELECT members FROM promo_announcements WHERE store_id = '" + store + "'"), 3);
  EXPECT_EQ(scalar(*sql_,
                   "SELECT count(*) FROM outbox o JOIN notifications n ON n.id = o.notification_id "
                   "WHERE n.kind = 'promo' AND n.store_id = '" +
                       store + "'"),
            2);
  // Again later, by a restarted daemon: nothing more; a member who joins
  // after the announcement is not told.
  auto late = member(store);
  adapters::postgres::PgScheduledPushStore restarted{pg_conninfo()};
  auto job2 =
      core::promo_announcement_job(restarted, core::rules_from(book_of(promo_rules(store, ", announce: true"))));
  run(job2, at(2026, 12, 2, 9, 0, 7));
  EXPECT_EQ(count("promo", a.id), 1);
  EXPECT_EQ(count("promo", late.id), 0);
}

TEST_F(ScheduledPushes, WithoutAnnounceOrForASegmentNothingIsSent) {
  const std::string quiet = unique("quiet"), seg = unique("seg");
  auto q = member(quiet), s = member(seg);
  auto j1 = core::promo_announcement_job(store_, core::rules_from(book_of(promo_rules(quiet, ""))));
  auto j2 = core::promo_announcement_job(
      store_, core::rules_from(book_of(promo_rules(seg, ", audience: \"segment:loyal\", announce: true"))));
  run(j1, at(2026, 12, 1, 12, 0, 7));
  run(j2, at(2026, 12, 1, 12, 0, 7));
  EXPECT_EQ(count("promo", q.id), 0);
  EXPECT_EQ(count("promo", s.id), 0);
}

// Dead letters reach the store's admins as one push to the FCM topic
// setia-admins-<store>, at most one an hour, each dead letter counted once.
TEST_F(ScheduledPushes, DeadLettersAlertTheStoresAdminsThroughTheirTopic) {
  const std::string store = unique("dl");
  auto add_dead_letter = [&](const std::string& reason) {
    *sql_ << "INSERT INTO dead_letters (store_id, topic, reason, detail, payload) "
             "VALUES (:s, 'setia/x/pos/sale', :r, 'test', 'x'::bytea)",
        soci::use(store), soci::use(reason);
  };
  auto alerts = [&] {
    return scalar(*sql_,
                  "SELECT count(*) FROM notifications n JOIN outbox o ON o.notification_id = n.id "
                  "WHERE n.kind = 'dead_letters' AND n.member_id IS NULL AND n.store_id = '" +
                      store + "' AND o.fcm_topic = 'setia-admins-" + store + "' AND o.device_token IS NULL");
  };
  auto job = core::dead_letter_alert_job(store_);  // one a minute, at most one an hour per store
  add_dead_letter("missing_field");
  add_dead_letter("receipt_conflict");
  run(job, at(2026, 11, 23, 9, 0, 7));
  ASSERT_EQ(alerts(), 1);
  std::string data;
  *sql_ << "SELECT data::text FROM notifications WHERE kind = 'dead_letters' AND store_id = :s", soci::use(store),
      soci::into(data);
  auto j = nlohmann::json::parse(data);
  EXPECT_EQ(j["count"], 2);
  EXPECT_EQ(j["last_reason"], "receipt_conflict");
  run(job, at(2026, 11, 23, 9, 1, 7));
  EXPECT_EQ(alerts(), 1) << "nothing new, nothing sent";
  add_dead_letter("invalid_field");
  add_dead_letter("missing_field");
  run(job, at(2026, 11, 23, 9, 2, 7));
  run(job, at(2026, 11, 23, 9, 59, 7));
  EXPECT_EQ(alerts(), 1) << "a POS that keeps failing costs the admins one push an hour";
  run(job, at(2026, 11, 23, 10, 0, 7));
  ASSERT_EQ(alerts(), 2);
  *sql_
      << "SELECT data::text FROM notifications WHERE kind = 'dead_letters' AND store_id = :s ORDER BY id DESC LIMIT 1",
      soci::use(store), soci::into(data);
  j = nlohmann::json::parse(data);
  EXPECT_EQ(j["count"], 2) << "the ones held back are counted in the next alert";
  EXPECT_EQ(j["last_reason"], "missing_field");
  // A daemon whose clock is behind (or a clock stepped back) is not held
  // back by an alert "from the future".
  add_dead_letter("invalid_field");
  run(job, at(2026, 11, 23, 9, 30, 7));
  EXPECT_EQ(alerts(), 3);
}

}  // namespace
}  // namespace setia::it
