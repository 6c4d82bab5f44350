#include "adapters/postgres/pg_device_store.h"

#include <soci/postgresql/soci-postgresql.h>

namespace setia::adapters::postgres {

std::expected<void, core::StoreError> PgDeviceStore::add_device(long long member_id, const std::string& token,
                                                                const std::string& platform) {
  return session_.run([&](soci::session& sql) {
    sql << "INSERT INTO devices (token, member_id, platform) VALUES (:t, :m, :p) "
           "ON CONFLICT (token) DO UPDATE SET member_id = EXCLUDED.member_id, platform = EXCLUDED.platform",
        soci::use(token), soci::use(member_id), soci::use(platform);
  });
}

std::expected<bool, core::StoreError> PgDeviceStore::remove_device(long long member_id, const std::string& token) {
  long long affected = 0;
  auto done = session_.run([&](soci::session& sql) {
    soci::statement st = (sql.prepare << "DELETE FROM devices WHERE token = :t AND member_id = :m", soci::use(token),
                          soci::use(member_id));
    st.execute(true);
    affected = st.get_affected_rows();
  });
  if (!done) return std::unexpected(done.error());
  return affected > 0;
}

}  // namespace setia::adapters::postgres
