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

std::expected<core::PushHealth, core::StoreError> PgOpsStatus::push_health(const std::string& store_id) {
  core::PushHealth out;
  auto done = session_.run([&](soci::session& sql) {
    out = {};
    // Two ranges of outbox_store_status (0023): the store's backlog (small:
    // what waits or gave up), and what it sent in the last day. Sent rows
    // of older days are not counted: they only grow.
    soci::rowset<soci::row> rs =
        (sql.prepare << "SELECT CASE WHEN status = 'pending' AND attempts > 0 THEN 'failing' "
                        "            WHEN status = 'pending' THEN 'waiting' ELSE status END, count(*)::bigint "
                        "  FROM outbox WHERE store_id = :s AND status IN ('pending', 'dead') GROUP BY 1 "
                        "UNION ALL SELECT 'sent', count(*)::bigint FROM outbox "
                        " WHERE store_id = :s2 AND status = 'sent' AND created_at >= now() - interval '1 day'",
         soci::use(store_id), soci::use(store_id));
    for (const auto& r : rs) {
      const auto status = r.get<std::string>(0);
      const auto n = r.get<long long>(1);
      if (status == "sent") out.sent_last_day = n;
      if (status == "waiting") out.waiting = n;
      if (status == "failing") out.failing = n;
      if (status == "dead") out.dead = n;
    }
    std::string error;
    soci::indicator ind = soci::i_null;
    sql << "SELECT last_error FROM outbox WHERE store_id = :s AND status IN ('pending', 'dead') "
           "AND last_error IS NOT NULL ORDER BY created_at DESC LIMIT 1",
        soci::use(store_id), soci::into(error, ind);
    if (sql.got_data() && ind == soci::i_ok) out.last_error = error;
  });
  if (!done) return std::unexpected(done.error());
  return out;
}

std::expected<void, core::StoreError> PgOpsStatus::ping() {
  return session_.run([](soci::session& sql) {
    int one = 0;
    sql << "SELECT 1", soci::into(one);
  });
}

}  // namespace setia::adapters::postgres
