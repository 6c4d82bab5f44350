#include "adapters/postgres/pg_scheduled_push_store.h"

#include "adapters/postgres/pg_birthday_store.h"

namespace setia::adapters::postgres {

std::expected<std::vector<std::string>, core::StoreError> PgScheduledPushStore::member_stores() {
  std::vector<std::string> out;
  auto done = session_.run([&](soci::session& sql) { out = read_member_stores(sql); });
  if (!done) return std::unexpected(done.error());
  return out;
}

std::expected<std::optional<int>, core::StoreError> PgScheduledPushStore::remind_expiring(
    const std::string& store, const std::string& zone, domain::LocalDate day, std::int64_t now, std::int64_t until) {
  long long from_s = now, until_s = until;
  const std::string date = day.to_string();
  int n = 0;
  soci::indicator ind = soci::i_null;
  auto done = session_.run([&](soci::session& sql) {
    sql << "SELECT setia_remind_expiring(:s, :z, CAST(:d AS date), to_timestamp(:n), to_timestamp(:u))",
        soci::use(store), soci::use(zone), soci::use(date), soci::use(from_s), soci::use(until_s), soci::into(n, ind);
  });
  if (!done) return std::unexpected(done.error());
  return ind == soci::i_ok ? std::optional<int>(n) : std::nullopt;
}

std::expected<std::optional<int>, core::StoreError> PgScheduledPushStore::announce_promo(const std::string& store,
                                                                                         const std::string& promo_id,
                                                                                         domain::LocalDate from,
                                                                                         const std::string& data_json) {
  const std::string date = from.to_string();
  int n = 0;
  soci::indicator ind = soci::i_null;
  auto done = session_.run([&](soci::session& sql) {
    sql << "SELECT setia_announce_promo(:s, :p, CAST(:d AS date), CAST(:j AS jsonb))", soci::use(store),
        soci::use(promo_id), soci::use(date), soci::use(data_json), soci::into(n, ind);
  });
  if (!done) return std::unexpected(done.error());
  return ind == soci::i_ok ? std::optional<int>(n) : std::nullopt;
}

std::expected<int, core::StoreError> PgScheduledPushStore::alert_dead_letters(std::int64_t now,
                                                                              std::int64_t min_gap_s) {
  long long at = now, gap = min_gap_s;
  int n = 0;
  auto done = session_.run([&](soci::session& sql) {
    sql << "SELECT setia_alert_dead_letters(to_timestamp(:n), make_interval(secs => :g))", soci::use(at),
        soci::use(gap), soci::into(n);
  });
  if (!done) return std::unexpected(done.error());
  return n;
}

}  // namespace setia::adapters::postgres
