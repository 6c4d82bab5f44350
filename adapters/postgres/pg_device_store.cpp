#include "adapters/postgres/pg_device_store.h"

#include <soci/postgresql/soci-postgresql.h>

namespace setia::adapters::postgres {

std::expected<core::DeviceStore::AddDevice, core::StoreError> PgDeviceStore::add_device(const std::string& store_id,
                                                                                        long long member_id,
                                                                                        const std::string& token,
                                                                                        const std::string& platform,
                                                                                        int max_devices) {
  AddDevice out = AddDevice::added;
  bool no_member = false;
  auto done = session_.run([&](soci::session& sql) {
    // The member's row locked first, in a statement of its own: the next
    // statement's snapshot is taken after the lock (READ COMMITTED), so two
    // registrations of one member at once see each other's rows and do not
    // both pass the count. Then one statement reads the token's holder and
    // the member's count and writes the row. Each names the member's store;
    // a token held in another store meets the global key (token) in the
    // INSERT and is answered as held by another member.
    soci::transaction tr(sql);
    long long locked = 0;
    sql << "SELECT count(*) FROM (SELECT id FROM members WHERE store_id = :s AND id = :m FOR UPDATE) me",
        soci::use(store_id), soci::use(member_id), soci::into(locked);
    std::string outcome;
    sql << "WITH me AS (SELECT id FROM members WHERE store_id = :s AND id = :m), "
           "held AS (SELECT member_id FROM devices WHERE store_id = :s2 AND token = :t), "
           "mine AS (SELECT count(*) AS n FROM devices WHERE store_id = :s3 AND member_id = :m2), "
           "ins AS (INSERT INTO devices (store_id, token, member_id, platform) "
           "  SELECT :s4, :t2, :m3, :p FROM me WHERE NOT EXISTS (SELECT 1 FROM held) AND (SELECT n FROM mine) < :max "
           "  ON CONFLICT (token) DO NOTHING RETURNING 1), "
           "upd AS (UPDATE devices SET platform = :p2 WHERE store_id = :s5 AND token = :t3 AND member_id = :m4 "
           "  RETURNING 1) "
           "SELECT CASE WHEN EXISTS (SELECT 1 FROM ins) THEN 'added' "
           "            WHEN EXISTS (SELECT 1 FROM held WHERE member_id = :m5) THEN 'already_yours' "
           "            WHEN NOT EXISTS (SELECT 1 FROM me) THEN 'no_member' "
           "            WHEN (SELECT n FROM mine) >= :max2 THEN 'too_many' "
           // Held, or taken by another member's registration meanwhile.
           "            ELSE 'held_by_another' END",
        soci::use(store_id), soci::use(member_id), soci::use(store_id), soci::use(token), soci::use(store_id),
        soci::use(member_id), soci::use(store_id), soci::use(token), soci::use(member_id), soci::use(platform),
        soci::use(max_devices), soci::use(platform), soci::use(store_id), soci::use(token), soci::use(member_id),
        soci::use(member_id), soci::use(max_devices), soci::into(outcome);
    tr.commit();
    no_member = outcome == "no_member";
    out = outcome == "added"             ? AddDevice::added
          : outcome == "already_yours"   ? AddDevice::already_yours
          : outcome == "held_by_another" ? AddDevice::held_by_another
                                         : AddDevice::too_many;
  });
  if (!done) return std::unexpected(done.error());
  if (no_member) {
    return std::unexpected(
        core::StoreError{core::StoreError::Kind::permanent, "no member " + std::to_string(member_id)});
  }
  return out;
}

std::expected<bool, core::StoreError> PgDeviceStore::remove_device(const std::string& store_id, long long member_id,
                                                                   const std::string& token) {
  long long affected = 0;
  auto done = session_.run([&](soci::session& sql) {
    soci::statement st = (sql.prepare << "DELETE FROM devices WHERE store_id = :s AND token = :t AND member_id = :m",
                          soci::use(store_id), soci::use(token), soci::use(member_id));
    st.execute(true);
    affected = st.get_affected_rows();
  });
  if (!done) return std::unexpected(done.error());
  return affected > 0;
}

}  // namespace setia::adapters::postgres
