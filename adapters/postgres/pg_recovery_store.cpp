#include "adapters/postgres/pg_recovery_store.h"

namespace setia::adapters::postgres {

std::expected<void, core::StoreError> PgRecoveryStore::insert_code(const core::NewRecoveryCode& c) {
  long long expires = c.expires_at;
  return session_.run([&](soci::session& sql) {
    sql << "INSERT INTO recovery_codes (store_id, member_id, digest, purpose, issued_by, expires_at) "
           "VALUES (:s, :m, :d, :p, :b, to_timestamp(:e))",
        soci::use(c.store_id), soci::use(c.member_id), soci::use(c.digest), soci::use(c.purpose),
        soci::use(c.issued_by), soci::use(expires);
  });
}

std::expected<int, core::StoreError> PgRecoveryStore::codes_since(const std::string& store_id, long long member_id,
                                                                  std::int64_t since) {
  int n = 0;
  long long at = since;
  auto done = session_.run([&](soci::session& sql) {
    sql << "SELECT count(*) FROM recovery_codes WHERE store_id = :s AND member_id = :m "
           "AND created_at >= to_timestamp(:t)",
        soci::use(store_id), soci::use(member_id), soci::use(at), soci::into(n);
  });
  if (!done) return std::unexpected(done.error());
  return n;
}

std::expected<std::optional<long long>, core::StoreError> PgRecoveryStore::take_code(const std::string& store_id,
                                                                                     const std::string& phone,
                                                                                     const std::string& digest,
                                                                                     std::int64_t now) {
  std::optional<long long> out;
  long long at = now;
  auto done = session_.run([&](soci::session& sql) {
    out.reset();
    long long member = 0;
    // One statement: two redemptions of one code at once, one wins.
    sql << "UPDATE recovery_codes c SET used_at = now() FROM members m "
           "WHERE c.digest = :d AND c.store_id = :s AND c.used_at IS NULL AND c.expires_at > to_timestamp(:now) "
           "  AND m.store_id = c.store_id AND m.id = c.member_id "
           "  AND regexp_replace(m.phone, '[^0-9+]', '', 'g') = :p "
           "RETURNING c.member_id",
        soci::use(digest), soci::use(store_id), soci::use(at), soci::use(phone), soci::into(member);
    if (sql.got_data()) out = member;
  });
  if (!done) return std::unexpected(done.error());
  return out;
}

}  // namespace setia::adapters::postgres
