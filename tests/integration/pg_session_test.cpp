// What a database error may say (adapters/postgres/pg_session.cpp): its
// SQLSTATE and the statement as written, never a value bound to it, which
// PostgreSQL quotes in its own messages; our functions' RAISE text stays.
#include <gtest/gtest.h>

#include <soci/soci.h>

#include "adapters/postgres/pg_session.h"
#include "points_support.h"

namespace setia::it {
namespace {

TEST(PgSession, AnErrorSaysItsSqlstateAndStatementButNoBoundValue) {
  adapters::postgres::PgSession session(pg_conninfo());
  const std::string secret = "081234567890-secret";
  auto r = session.run([&](soci::session& sql) {
    long long n = 0;
    sql << "SELECT CAST(:phone AS bigint)", soci::use(secret), soci::into(n);
  });
  ASSERT_FALSE(r);
  const auto& m = r.error().message;
  EXPECT_EQ(m.find("081234567890"), std::string::npos) << m;
  EXPECT_NE(m.find("database error 22P02 (invalid_text_representation)"), std::string::npos) << m;
  EXPECT_NE(m.find("SELECT CAST(:phone AS bigint)"), std::string::npos) << m;
  EXPECT_EQ(r.error().kind, core::StoreError::Kind::permanent);
}

TEST(PgSession, OurOwnRaisedTextIsKept) {
  migrate_once();
  adapters::postgres::PgSession session(pg_conninfo());
  auto r = session.run([&](soci::session& sql) {
    long long id = -1, points = 0;
    sql << "SELECT setia_credit_points(:m, :p, 'earn')", soci::use(id), soci::use(points);
  });
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("database error 22023 (invalid_parameter_value): setia_credit_points: points must "
                                   "be above 0, got 0"),
            std::string::npos)
      << r.error().message;
}

}  // namespace
}  // namespace setia::it
