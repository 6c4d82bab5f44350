#pragma once

#include <expected>
#include <functional>
#include <memory>
#include <string>

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

  // Runs `work` on a connected session. `prepare` is called after every
  // (re)connect so that callers can (re)create their prepared statements.
  std::expected<void, core::StoreError> run(const std::function<void(soci::session&)>& work);

  void on_connect(std::function<void(soci::session&)> prepare) { prepare_ = std::move(prepare); }

 private:
  std::string conninfo_;
  std::unique_ptr<soci::session> sql_;
  std::function<void(soci::session&)> prepare_;
};

// Classifies a SQLSTATE: true when trying again may succeed.
bool is_transient_sqlstate(const std::string& sqlstate);

// Lowercase hex of raw bytes, for bytea parameters (decode(:p, 'hex')).
std::string to_hex(std::string_view bytes);

// Appends "password=..." read from `password_file` (first line) when given.
std::string conninfo_with_password(const std::string& conninfo, const std::string& password_file);

}  // namespace setia::adapters::postgres
