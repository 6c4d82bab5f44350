// Consent at the database (migrations/0019_privacy.sql): a database whose
// members had promo pushes on by default turns them off on upgrade and
// records why, per member, keeping the choice of those who had turned
// them off. The migrator in-process on a scratch database of the test
// server (no setiad, no broker).
#include <algorithm>

#include <gtest/gtest.h>
#include <soci/postgresql/soci-postgresql.h>

#include "adapters/postgres/migrator.h"
#include "points_support.h"

namespace setia::it {
namespace {

TEST(ConsentMigration, PromoPushesOnByDefaultBecomeOffAndTheRecordSaysWhy) {
  ScratchDatabase scratch;
  auto applied = adapters::postgres::migrate(scratch.conninfo(), 17);
  ASSERT_TRUE(applied) << applied.error();
  long long asked_no = 0, never_asked = 0;
  {
    soci::session sql(soci::postgresql, scratch.conninfo());
    auto off = new_member(sql, "kopi-a");
    auto on = new_member(sql, "kopi-a");
    sql << "UPDATE members SET promo_pushes = false WHERE id = :m", soci::use(off.id);
    asked_no = off.id;
    never_asked = on.id;
  }
  applied = adapters::postgres::migrate(scratch.conninfo());
  ASSERT_TRUE(applied) << applied.error();
  soci::session sql(soci::postgresql, scratch.conninfo());
  EXPECT_EQ(scalar(sql,
                   "SELECT count(*) FROM information_schema.columns WHERE table_name = 'members' "
                   "AND column_name = 'promo_pushes'"),
            0)
      << "one truth: the consents";
  for (long long m : {asked_no, never_asked}) {
    const std::string id = std::to_string(m);
    EXPECT_EQ(scalar(sql, "SELECT count(*) FROM consents WHERE member_id = " + id +
                              " AND channel = 'push_promo' AND NOT granted AND source = 'migration' "
                              "AND store_id = 'kopi-a'"),
              1)
        << id;
    EXPECT_EQ(scalar(sql, "SELECT setia_consent_granted('kopi-a', " + id + ", 'push_promo')::int"), 0);
  }
  std::string note;
  sql << "SELECT note FROM consents WHERE member_id = :m", soci::use(never_asked), soci::into(note);
  EXPECT_NE(note.find("never asked"), std::string::npos) << note;
  sql << "SELECT note FROM consents WHERE member_id = :m", soci::use(asked_no), soci::into(note);
  EXPECT_NE(note.find("turned off by the member"), std::string::npos) << note;
  // Opting in afterwards is the member's, in the app.
  EXPECT_EQ(scalar(sql, "SELECT setia_record_consent('kopi-a', " + std::to_string(never_asked) +
                            ", 'push_promo', true, 'app', '127.0.0.1', NULL, NULL, NULL)::int"),
            1);
  EXPECT_EQ(
      scalar(sql, "SELECT setia_consent_granted('kopi-a', " + std::to_string(never_asked) + ", 'push_promo')::int"), 1);
}

}  // namespace
}  // namespace setia::it
