#pragma once

// What the points, rewards and promos integration tests share: members and
// lots made straight in the test database, the ledger invariants, a rule
// book from YAML, a clock the test moves.

#include <algorithm>
#include <chrono>
#include <memory>
#include <random>
#include <string>

#include <gtest/gtest.h>
#include <soci/soci.h>

#include "core/ports/clock.h"
#include "harness.h"
#include "rules/loader.h"
#include "tests/fakes/manual_clock.h"
#include "tests/support/rule_books.h"

namespace setia::it {

// Voucher codes for the services under test.
inline std::uint64_t random64() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return rng();
}

// Migrates the shared test database (once per process) through setiactl.
inline void migrate_once() {
  Daemon d(Daemon::Options{});
  migrate(d);
}

struct TestMember {
  long long id = 0;
  std::string code;
};

// A member of `store` with no points.
inline TestMember new_member(soci::session& sql, const std::string& store) {
  TestMember m;
  m.code = unique("M");
  std::string phone = "08" + std::to_string(std::hash<std::string>{}(m.code) % 10'000'000'000ULL);
  sql << "INSERT INTO members (store_id, code, name, phone) VALUES (:s, :c, 'Ocha', :p) RETURNING id", soci::use(store),
      soci::use(m.code), soci::use(phone), soci::into(m.id);
  return m;
}

// A lot of `points` earned by `member`, expiring at `expires_at` (unix
// seconds; none: never). Returns the lot's ledger id.
inline long long credit(soci::session& sql, long long member, long long points,
                        std::optional<std::int64_t> expires_at = std::nullopt) {
  long long id = 0, at = expires_at.value_or(0);
  soci::indicator ind = expires_at ? soci::i_ok : soci::i_null;
  sql << "SELECT setia_credit_points(:m, :p, 'earn', to_timestamp(:e))", soci::use(member), soci::use(points),
      soci::use(at, ind), soci::into(id);
  return id;
}

inline long long balance(soci::session& sql, long long member) {
  return scalar(sql, "SELECT points FROM members WHERE id = " + std::to_string(member));
}

inline long long remaining(soci::session& sql, long long lot) {
  return scalar(sql, "SELECT remaining FROM points_ledger WHERE id = " + std::to_string(lot));
}

// "Nothing is spent twice" (docs/architecture.md) and the lot model: the balance is the ledger's sum
// and what the open lots hold, and never negative.
inline void expect_ledger_consistent(soci::session& sql, long long member, const std::string& when) {
  std::string m = std::to_string(member);
  long long bal = balance(sql, member);
  EXPECT_GE(bal, 0) << when;
  EXPECT_EQ(bal, scalar(sql, "SELECT coalesce(sum(points), 0) FROM points_ledger WHERE member_id = " + m))
      << "balance == ledger sum, " << when;
  EXPECT_EQ(bal, scalar(sql, "SELECT coalesce(sum(remaining), 0) FROM points_ledger WHERE member_id = " + m))
      << "balance == what the lots hold, " << when;
}

// A database of its own on the test server, dropped at the end: for a
// migration tried on data of an older schema (migrate(conninfo, version)).
class ScratchDatabase {
 public:
  ScratchDatabase() : name_(unique("setia_scratch")) {
    std::replace(name_.begin(), name_.end(), '-', '_');
    *db() << "CREATE DATABASE " + name_;
  }
  ~ScratchDatabase() {
    try {
      // Without FORCE, which would need the right to end other roles'
      // sessions (an autovacuum worker's): PostgreSQL ends autovacuum on
      // it and waits a few seconds for sessions that are closing.
      *db() << "DROP DATABASE IF EXISTS " + name_;
    } catch (const std::exception& e) {
      ADD_FAILURE() << "could not drop " << name_ << ": " << e.what();
    }
  }
  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;
  // A later dbname in a conninfo wins over the first.
  std::string conninfo() const { return pg_conninfo() + " dbname=" + name_; }

 private:
  std::string name_;
};

using ::setia::test::book_of;  // tests/support/rule_books.h

using ::setia::test::ManualClock;

// Unix seconds of a wall time at a fixed UTC offset in hours (+7 WIB, +9 WIT).
inline std::int64_t at_offset(int y, unsigned mo, unsigned d, int h, int mi, int offset_hours) {
  return test::unix_at(y, mo, d, h, mi, offset_hours);
}

}  // namespace setia::it
