// The retention purge on the real PostgreSQL: notifications (with their
// deliveries), failed logins and expired tokens older than their retention
// go, the younger ones stay, and an expiry reminder that named a purged
// notification stays without it. The job and the Pg adapter in-process
// (no setiad, no broker).
#include <algorithm>

#include <gtest/gtest.h>

#include "adapters/postgres/pg_retention_store.h"
#include "adapters/postgres/pg_session.h"
#include "core/scheduler/retention_purge_job.h"
#include "points_support.h"

namespace setia::it {
namespace {

long long notification(soci::session& sql, const std::string& store, long long member, int age_days) {
  long long id = 0;
  sql << "INSERT INTO notifications (store_id, member_id, kind, data, created_at) "
         "VALUES (:s, :m, 'sale_points', '{}'::jsonb, now() - make_interval(days => :d)) RETURNING id",
      soci::use(store), soci::use(member), soci::use(age_days), soci::into(id);
  std::string token = unique("tok");
  sql << "INSERT INTO outbox (store_id, notification_id, device_token, status) VALUES (:s, :n, :t, 'sent')",
      soci::use(store), soci::use(id), soci::use(token);
  return id;
}

TEST(RetentionPurge, RecordsOlderThanTheirRetentionGoAndTheYoungerStay) {
  migrate_once();
  auto sql = db();
  const std::string store = unique("lama");
  auto m = new_member(*sql, store);
  // Notifications of 181 days (one a reminder named) and of 179; failed
  // logins of 2 days and of an hour; tokens expired 3 days and an hour ago,
  // and one still valid.
  std::vector<long long> old_ids;
  for (int i = 0; i < 12; ++i) old_ids.push_back(notification(*sql, store, m.id, 181));
  long long young = notification(*sql, store, m.id, 179);
  long long lot = credit(*sql, m.id, 10);
  *sql << "INSERT INTO points_expiry_reminders (store_id, lot_id, notification_id) VALUES (:s, :l, :n)",
      soci::use(store), soci::use(lot), soci::use(old_ids[0]);
  const std::string old_login = unique("lama") + "@example.com|" + store, new_login = unique("baru") + "|" + store;
  *sql << "INSERT INTO login_failures (store_id, account, at) VALUES (:s, :a, now() - interval '2 days'), "
          "(:s2, :b, now() - interval '1 hour')",
      soci::use(store), soci::use(old_login), soci::use(store), soci::use(new_login);
  auto digest = [] {  // 64 random hex digits, as api_tokens wants
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    while (out.size() < 64) out.push_back(kHex[random64() % 16]);
    return out;
  };
  const std::string expired_long = digest(), expired_now = digest(), valid = digest();
  *sql << "INSERT INTO api_tokens (digest, role, member_id, store_id, label, expires_at) VALUES "
          "(:a, 'member', :m, :s, 'login', now() - interval '3 days'), "
          "(:b, 'member', :m2, :s2, 'login', now() - interval '1 hour'), "
          "(:c, 'member', :m3, :s3, 'login', now() + interval '1 day')",
      soci::use(expired_long), soci::use(m.id), soci::use(store), soci::use(expired_now), soci::use(m.id),
      soci::use(store), soci::use(valid), soci::use(m.id), soci::use(store);

  adapters::postgres::PgSession session(pg_conninfo());
  adapters::postgres::PgRetentionStore retention(session);
  auto job = core::retention_purge_job(retention,
                                       {.notifications = std::chrono::days(180),
                                        .login_failures = std::chrono::days(1),
                                        .expired_tokens = std::chrono::days(1)},
                                       std::chrono::hours(1), 5);
  auto r = job.run(std::chrono::system_clock::now());
  ASSERT_TRUE(r) << r.error();
  const std::string of = " WHERE store_id = '" + store + "'";
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM notifications" + of), 1) << *r;
  EXPECT_EQ(scalar(*sql, "SELECT id FROM notifications" + of), young);
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM outbox" + of), 1) << "the deliveries went with them";
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM points_expiry_reminders WHERE lot_id = " + std::to_string(lot) +
                             " AND notification_id IS NULL"),
            1)
      << "the reminder stays (its lot is not reminded twice) without its notification";
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM login_failures WHERE account = '" + old_login + "'"), 0);
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM login_failures WHERE account = '" + new_login + "'"), 1);
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM api_tokens WHERE digest = '" + expired_long + "'"), 0);
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM api_tokens WHERE digest IN ('" + expired_now + "', '" + valid + "')"),
            2);
  // Other tests' rows are younger than 180 days; those of failed logins and
  // tokens may be any age: the message names at least ours.
  EXPECT_NE(r->find("notification(s) older than 180 days"), std::string::npos) << *r;
  auto again = job.run(std::chrono::system_clock::now());
  ASSERT_TRUE(again) << again.error();
  EXPECT_EQ(*again, "") << "nothing left to delete";
}

}  // namespace
}  // namespace setia::it
