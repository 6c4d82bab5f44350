#pragma once

#include <expected>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <soci/soci.h>

#include "core/ports/store_error.h"

namespace setia::adapters::postgres {

// One SOCI session to PostgreSQL that knows how to fail: every call runs
// through run(), which turns what SOCI throws into a core::StoreError
// (transient: the connection, shutdown, serialization, deadlock; permanent:
// everything else) and reopens a broken connection on the next call.
// Not thread-safe: one per thread.
class PgSession {
 public:
  explicit PgSession(std::string conninfo) : conninfo_(std::move(conninfo)) {}

  // Runs `work` on a connected session (connecting first when needed).
  std::expected<void, core::StoreError> run(const std::function<void(soci::session&)>& work);

  // The statement in `slot`, prepared on the server (PQprepare) by `make`
  // the first time it is asked for on each connection: PostgreSQL then
  // parses and plans it once per connection, not on every call as it does
  // a one-time `sql << ...` (PQexecParams). For the statements run once per
  // message (the sale: bench/README.md, "The per-sale statement"). Call it
  // inside run(). `make` binds use() and into() to variables that must
  // outlive this session; the statements are dropped before their
  // connection is, and after any error (pg_session.cpp says why).
  soci::statement& prepared(std::size_t slot, const std::function<soci::statement(soci::session&)>& make);

 private:
  void drop_prepared();
  void disconnect();

  std::string conninfo_;
  std::unique_ptr<soci::session> sql_;
  // After sql_: destroyed first (a statement deallocates on its session).
  std::vector<std::unique_ptr<soci::statement>> prepared_;
};

// Classifies a SQLSTATE: true when trying again may succeed.
bool is_transient_sqlstate(const std::string& sqlstate);

// Lowercase hex of raw bytes, for bytea parameters (decode(:p, 'hex')).
std::string to_hex(std::string_view bytes);

// Appends "password=..." read from `password_file` (first line) when given.
std::string conninfo_with_password(const std::string& conninfo, const std::string& password_file);

}  // namespace setia::adapters::postgres
