#include "adapters/postgres/migrator.h"

#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include <libpq-fe.h>

namespace setia::adapters::postgres::migrations {
extern const std::vector<std::pair<std::string_view, std::string_view>> kFiles;
}

namespace setia::adapters::postgres {
namespace {

// Migrations run through libpq itself: a migration file holds many
// statements, which only the simple-query protocol (PQexec) accepts.
using Conn = std::unique_ptr<PGconn, decltype(&PQfinish)>;

std::expected<Conn, std::string> connect(const std::string& conninfo) {
  Conn c(PQconnectdb(conninfo.c_str()), &PQfinish);
  if (PQstatus(c.get()) != CONNECTION_OK)
    return std::unexpected(std::string("cannot connect: ") + PQerrorMessage(c.get()));
  PQsetNoticeProcessor(
      c.get(), [](void*, const char*) {}, nullptr);
  return c;
}

std::expected<std::string, std::string> exec(PGconn* c, const std::string& sql) {
  std::unique_ptr<PGresult, decltype(&PQclear)> r(PQexec(c, sql.c_str()), &PQclear);
  auto st = PQresultStatus(r.get());
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
    return std::unexpected(std::string(PQresultErrorMessage(r.get())));
  if (st == PGRES_TUPLES_OK && PQntuples(r.get()) > 0 && !PQgetisnull(r.get(), 0, 0))
    return std::string(PQgetvalue(r.get(), 0, 0));
  return std::string();
}

int version_of(std::string_view file) { return std::stoi(std::string(file.substr(0, 4))); }

}  // namespace

int required_schema_version() {
  int v = 0;
  for (const auto& f : migrations::kFiles) v = std::max(v, version_of(f.first));
  return v;
}

std::expected<int, std::string> schema_version(const std::string& conninfo) {
  auto c = connect(conninfo);
  if (!c) return std::unexpected(c.error());
  auto exists = exec(c->get(), "SELECT to_regclass('schema_migrations') IS NOT NULL");
  if (!exists) return std::unexpected(exists.error());
  if (*exists != "t") return 0;
  auto v = exec(c->get(), "SELECT coalesce(max(version), 0) FROM schema_migrations");
  if (!v) return std::unexpected(v.error());
  return std::stoi(*v);
}

std::expected<std::vector<int>, std::string> migrate(const std::string& conninfo, std::optional<int> up_to) {
  auto c = connect(conninfo);
  if (!c) return std::unexpected(c.error());
  PGconn* conn = c->get();
  // An arbitrary constant naming "Setia's schema" among advisory locks.
  constexpr std::string_view kLock = "SELECT pg_advisory_lock(7365746961)";
  if (auto r = exec(conn, std::string(kLock)); !r) return std::unexpected(r.error());
  std::vector<int> applied;
  std::string failure;
  auto r = exec(conn,
                "CREATE TABLE IF NOT EXISTS schema_migrations (version int PRIMARY KEY, name text NOT NULL, "
                "applied_at timestamptz NOT NULL DEFAULT now())");
  if (!r) failure = r.error();
  for (const auto& [name, sql] : migrations::kFiles) {
    if (!failure.empty()) break;
    int v = version_of(name);
    if (up_to && v > *up_to) break;  // kFiles is sorted by name, so by version
    auto have = exec(conn, "SELECT count(*) FROM schema_migrations WHERE version = " + std::to_string(v));
    if (!have) {
      failure = have.error();
      break;
    }
    if (*have != "0") continue;
    std::string tx = "BEGIN;\n" + std::string(sql) + "\n;INSERT INTO schema_migrations (version, name) VALUES (" +
                     std::to_string(v) + ", '" + std::string(name) + "');\nCOMMIT;";
    if (auto done = exec(conn, tx); !done) {
      exec(conn, "ROLLBACK");
      failure = std::string(name) + ": " + done.error();
      break;
    }
    applied.push_back(v);
  }
  exec(conn, "SELECT pg_advisory_unlock(7365746961)");
  if (!failure.empty()) return std::unexpected(failure);
  return applied;
}

}  // namespace setia::adapters::postgres
