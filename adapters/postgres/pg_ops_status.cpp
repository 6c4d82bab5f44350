#include "adapters/postgres/pg_ops_status.h"

#include <soci/postgresql/soci-postgresql.h>

namespace setia::adapters::postgres {

std::expected<std::vector<std::pair<std::string, long long>>, core::StoreError> PgOpsStatus::outbox_backlog() {
  std::vector<std::pair<std::string, long long>> out;
  auto done = session_.run([&](soci::session& sql) {
    out.clear();
    // The backlog only (sent rows only grow), and every status of it even
    // with no row, so that a series never vanishes.
    soci::rowset<soci::row> rs =
        (sql.prepare << "SELECT s.status, count(o.id)::bigint FROM (VALUES ('pending'), ('dead')) s(status) "
                        "LEFT JOIN outbox o ON o.status = s.status GROUP BY s.status ORDER BY s.status");
    for (const auto& r : rs) out.emplace_back(r.get<std::string>(0), r.get<long long>(1));
  });
  if (!done) return std::unexpected(done.error());
  return out;
}

std::expected<long long, core::StoreError> PgOpsStatus::dead_letter_total() {
  long long n = 0;
  auto done = session_.run([&](soci::session& sql) { sql << "SELECT count(*) FROM dead_letters", soci::into(n); });
  if (!done) return std::unexpected(done.error());
  return n;
}

std::expected<void, core::StoreError> PgOpsStatus::ping() {
  return session_.run([](soci::session& sql) {
    int one = 0;
    sql << "SELECT 1", soci::into(one);
  });
}

}  // namespace setia::adapters::postgres
