// What a database error may say (adapters/postgres/pg_session.cpp): its
// SQLSTATE and the statement as written, never a value bound to it, which
// PostgreSQL quotes in its own messages; our functions' RAISE text stays.
// SOCI's own errors (no SQLSTATE) say a class and the statement, and no
// bound value reaches a caller's answer or the log.
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include <soci/soci.h>
#include <spdlog/sinks/ostream_sink.h>

#include "adapters/postgres/pg_session.h"
#include "adapters/rest/http_errors.h"
#include "core/support/log.h"
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

// Every line the named loggers write while it lives, as text.
class CapturedLog {
 public:
  explicit CapturedLog(std::vector<std::string> names) : names_(std::move(names)) {
    sink_ = std::make_shared<spdlog::sinks::ostream_sink_mt>(out_);
    for (const auto& n : names_) log::get(n)->sinks().push_back(sink_);
  }
  ~CapturedLog() {
    for (const auto& n : names_) {
      auto& sinks = log::get(n)->sinks();
      sinks.erase(std::remove(sinks.begin(), sinks.end(), sink_), sinks.end());
    }
  }
  CapturedLog(const CapturedLog&) = delete;
  CapturedLog& operator=(const CapturedLog&) = delete;
  std::string text() {
    sink_->flush();
    return out_.str();
  }

 private:
  std::vector<std::string> names_;
  std::ostringstream out_;
  std::shared_ptr<spdlog::sinks::ostream_sink_mt> sink_;
};

// A statement that fails in SOCI itself (a NULL fetched without an
// indicator: no SQLSTATE), with a distinctive value bound to it: SOCI's
// what() quotes it ('with :secret="..."'). Neither the error, nor the 503
// the REST adapter answers with it, nor its log line holds the value.
TEST(PgSession, ASociErrorWithoutSqlstateSaysItsClassAndStatementButNoBoundValue) {
  CapturedLog log({"rest", "pg"});
  adapters::postgres::PgSession session(pg_conninfo());
  const std::string secret = "bocor-6281299887766";
  std::string what;
  auto r = session.run([&](soci::session& sql) {
    std::string out;
    try {
      sql << "SELECT CAST(NULL AS text) WHERE :secret <> ''", soci::use(secret), soci::into(out);
    } catch (const soci::soci_error& e) {
      what = e.what();
      throw;
    }
  });
  ASSERT_FALSE(r);
  ASSERT_NE(what.find(secret), std::string::npos) << "the test's premise: SOCI quotes it: " << what;
  const auto& m = r.error().message;
  EXPECT_EQ(m.find("bocor"), std::string::npos) << m;
  EXPECT_NE(m.find("database client error ("), std::string::npos) << m;
  EXPECT_NE(m.find("SELECT CAST(NULL AS text) WHERE :secret"), std::string::npos) << m;

  // Through the REST adapter, as a caller and the operator see it.
  auto api = adapters::rest::to_api_error(core::ServiceError{core::ServiceError::Kind::unavailable, m});
  auto answer = adapters::rest::error_response(adapters::rest::unavailable_for_callers("GET", "/v1/me", api));
  EXPECT_EQ(answer.status, 503u);
  EXPECT_EQ(answer.body.find("bocor"), std::string::npos) << answer.body;
  EXPECT_EQ(answer.body.find("SELECT"), std::string::npos) << "no database text in an answer: " << answer.body;
  const std::string logged = log.text();
  EXPECT_NE(logged.find("GET /v1/me: 503: database client error"), std::string::npos) << logged;
  EXPECT_EQ(logged.find("bocor"), std::string::npos) << logged;

  // The session is usable again afterwards.
  EXPECT_TRUE(session.run([](soci::session& sql) { sql << "SELECT 1"; }));
}

// A statement prepared once per connection (PgSession::prepared): run three
// times, it is one server-side prepared statement, bound afresh each time;
// an error in one execution drops it (SOCI would leak its bound buffers:
// pg_session.cpp) and the next call prepares it again; when the connection is
// killed, the next call fails as transient and the one after prepares it
// again on the new connection, with no statement of the dead one left.
TEST(PgSession, APreparedStatementIsPreparedOncePerConnectionAndAgainAfterItBreaks) {
  // Before the session: its prepared statement is bound to them.
  std::string in;
  long long out = 0, prepared = 0, pid = 0;
  adapters::postgres::PgSession session(pg_conninfo());
  auto call = [&](const std::string& value) {
    in = value;
    return session.run([&](soci::session& sql) {
      session
          .prepared(0,
                    [&](soci::session& s) {
                      return soci::statement((s.prepare << "SELECT CAST(:v AS bigint) * 2", soci::use(in), soci::into(out)));
                    })
          .execute(true);
      sql << "SELECT count(*) FROM pg_prepared_statements", soci::into(prepared);
      sql << "SELECT pg_backend_pid()", soci::into(pid);
    });
  };
  for (long long v : {1, 20, 300}) {
    ASSERT_TRUE(call(std::to_string(v)));
    EXPECT_EQ(out, v * 2);
    EXPECT_EQ(prepared, 1) << "one statement on the server, prepared once";
  }
  auto bad = call("dua");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind, core::StoreError::Kind::permanent) << bad.error().message;
  ASSERT_TRUE(call("7"));
  EXPECT_EQ(out, 14) << "usable after an error in one execution";

  const long long first_pid = pid;
  adapters::postgres::PgSession killer(pg_conninfo());
  ASSERT_TRUE(killer.run([&](soci::session& sql) { sql << "SELECT pg_terminate_backend(:p)", soci::use(first_pid); }));
  auto broken = call("8");
  ASSERT_FALSE(broken);
  EXPECT_EQ(broken.error().kind, core::StoreError::Kind::transient) << broken.error().message;
  ASSERT_TRUE(call("9")) << "prepared again on a new connection";
  EXPECT_EQ(out, 18);
  EXPECT_NE(pid, first_pid);
  EXPECT_EQ(prepared, 1);
}

}  // namespace
}  // namespace setia::it
