#include "adapters/postgres/pg_retention_store.h"

#include <soci/postgresql/soci-postgresql.h>

namespace setia::adapters::postgres {

std::expected<long long, core::StoreError> PgRetentionStore::count(const std::string& statement, std::int64_t before,
                                                                   int limit) {
  long long deleted = 0, b = before;
  auto done =
      session_.run([&](soci::session& sql) { sql << statement, soci::use(b), soci::use(limit), soci::into(deleted); });
  if (!done) return std::unexpected(done.error());
  return deleted;
}

std::expected<long long, core::StoreError> PgRetentionStore::purge_notifications_before(std::int64_t before,
                                                                                        int limit) {
  // One statement: the reminders that named a notification forget it, its
  // deliveries go, then the notification (the foreign keys are checked at
  // the statement's end, when all three are done). notifications_created
  // serves the oldest first.
  return count(
      "WITH old AS (SELECT store_id, id FROM notifications WHERE created_at < to_timestamp(:b) "
      "             ORDER BY created_at LIMIT :n), "
      "reminders AS (UPDATE points_expiry_reminders x SET notification_id = NULL FROM old "
      "              WHERE x.store_id = old.store_id AND x.notification_id = old.id), "
      "deliveries AS (DELETE FROM outbox o USING old WHERE o.store_id = old.store_id AND o.notification_id = old.id), "
      "gone AS (DELETE FROM notifications n USING old WHERE n.store_id = old.store_id AND n.id = old.id "
      "         RETURNING 1) "
      "SELECT count(*) FROM gone",
      before, limit);
}

std::expected<long long, core::StoreError> PgRetentionStore::purge_login_failures_before(std::int64_t before,
                                                                                         int limit) {
  // login_failures has no key: its rows are picked by ctid (login_failures_at serves the oldest first).
  return count(
      "WITH gone AS (DELETE FROM login_failures WHERE ctid IN (SELECT ctid FROM login_failures "
      "  WHERE at < to_timestamp(:b) ORDER BY at LIMIT :n) RETURNING 1) SELECT count(*) FROM gone",
      before, limit);
}

std::expected<long long, core::StoreError> PgRetentionStore::purge_tokens_expired_before(std::int64_t before,
                                                                                         int limit) {
  return count(
      "WITH gone AS (DELETE FROM api_tokens WHERE id IN (SELECT id FROM api_tokens "
      "  WHERE expires_at < to_timestamp(:b) ORDER BY expires_at LIMIT :n) RETURNING 1) SELECT count(*) FROM gone",
      before, limit);
}

}  // namespace setia::adapters::postgres
