// The dead-letter purge on the real PostgreSQL: dead letters older than the
// retention go, in batches, the newer ones and the events' claims stay.
// The job and the Pg adapter in-process (no setiad, no broker).
#include <gtest/gtest.h>

#include "adapters/postgres/pg_dead_letter_store.h"
#include "adapters/postgres/pg_session.h"
#include "core/scheduler/dead_letter_purge_job.h"
#include "points_support.h"

namespace setia::it {
namespace {

TEST(DeadLetterPurge, LettersOlderThanTheRetentionAreDeletedAndTheirClaimsStay) {
  migrate_once();
  auto sql = db();
  const std::string store = unique("purge");
  // 25 letters 91 days old, 3 of 89 days; one old letter has its event's
  // rejected claim, which a late copy of the message is answered from.
  for (int i = 0; i < 28; ++i) {
    const int age_days = i < 25 ? 91 : 89;
    const std::string event = "evt-" + std::to_string(i);
    *sql << "INSERT INTO dead_letters (store_id, event_id, topic, reason, detail, payload, received_at) "
            "VALUES (:s, :e, 'setia/x/pos/sale', 'invalid_field', 'test', 'x'::bytea, now() - make_interval(days => "
            ":d))",
        soci::use(store), soci::use(event), soci::use(age_days);
  }
  *sql << "INSERT INTO events (store_id, event_id, kind, status, reason, result) "
          "VALUES (:s, 'evt-0', 'sale', 'rejected', 'invalid_field', '{}'::jsonb)",
      soci::use(store);

  adapters::postgres::PgSession session(pg_conninfo());
  adapters::postgres::PgDeadLetterStore letters(session);
  auto job = core::dead_letter_purge_job(letters, std::chrono::days(90), std::chrono::hours(1), 10);
  auto r = job.run(std::chrono::system_clock::now());
  ASSERT_TRUE(r) << r.error();
  // Other tests' letters are all younger than 90 days: only ours go.
  EXPECT_EQ(*r, "deleted 25 dead letter(s) older than 90 days");
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM dead_letters WHERE store_id = '" + store + "'"), 3);
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM dead_letters WHERE store_id = '" + store +
                             "' AND received_at > now() - interval '90 days'"),
            3);
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM events WHERE store_id = '" + store + "'"), 1);
}

}  // namespace
}  // namespace setia::it
