#include "adapters/postgres/pg_store_registry.h"

#include "adapters/postgres/pg_rows.h"

namespace setia::adapters::postgres {

std::expected<std::vector<core::StoreRecord>, core::StoreError> PgStoreRegistry::select(const std::string& where) {
  std::vector<core::StoreRecord> out;
  auto done = session_.run([&](soci::session& sql) {
    out.clear();
    soci::rowset<soci::row> rs = sql.prepare
                                 << "SELECT store_id, floor(extract(epoch from created_at))::bigint, "
                                    "floor(extract(epoch from disabled_at))::bigint, coalesce(disabled_reason, '') "
                                    "FROM stores " +
                                        where + " ORDER BY store_id";
    for (const auto& r : rs) {
      out.push_back({.store_id = r.get<std::string>(0),
                     .created_at = r.get<long long>(1),
                     .disabled_at = nullable<long long>(r, 2),
                     .disabled_reason = r.get<std::string>(3)});
    }
  });
  if (!done) return std::unexpected(done.error());
  return out;
}

std::expected<std::vector<core::StoreRecord>, core::StoreError> PgStoreRegistry::stores() { return select(""); }

std::expected<std::vector<core::StoreRecord>, core::StoreError> PgStoreRegistry::disabled_stores() {
  return select("WHERE disabled_at IS NOT NULL");
}

std::expected<bool, core::StoreError> PgStoreRegistry::add(const std::string& store_id) {
  int added = 0;
  auto done = session_.run([&](soci::session& sql) {
    soci::statement st =
        (sql.prepare << "INSERT INTO stores (store_id) VALUES (:s) ON CONFLICT DO NOTHING", soci::use(store_id));
    st.execute(true);
    added = static_cast<int>(st.get_affected_rows());
  });
  if (!done) return std::unexpected(done.error());
  return added == 1;
}

std::expected<bool, core::StoreError> PgStoreRegistry::set_disabled(const std::string& store_id,
                                                                    const std::optional<std::string>& reason) {
  std::string why = reason.value_or("");
  soci::indicator why_i = reason ? soci::i_ok : soci::i_null;
  int changed = 0;
  auto done = session_.run([&](soci::session& sql) {
    // One statement: the row is made when missing (a store that only had a
    // rule file), and the state changes only when it is another.
    soci::statement st =
        (sql.prepare << "INSERT INTO stores AS s (store_id, disabled_at, disabled_reason) "
                        "VALUES (:s, CASE WHEN CAST(:r1 AS text) IS NULL THEN NULL ELSE now() END, :r2) "
                        "ON CONFLICT (store_id) DO UPDATE SET disabled_at = excluded.disabled_at, "
                        "disabled_reason = excluded.disabled_reason "
                        "WHERE (s.disabled_at IS NULL) <> (excluded.disabled_at IS NULL)",
         soci::use(store_id), soci::use(why, why_i), soci::use(why, why_i));
    st.execute(true);
    changed = static_cast<int>(st.get_affected_rows());
  });
  if (!done) return std::unexpected(done.error());
  return changed == 1;
}

std::expected<long long, core::StoreError> PgStoreRegistry::revoke_admin_tokens(const std::string& store_id) {
  long long revoked = 0;
  auto done = session_.run([&](soci::session& sql) {
    soci::statement st =
        (sql.prepare << "DELETE FROM api_tokens WHERE role = 'admin' AND store_id = :s", soci::use(store_id));
    st.execute(true);
    revoked = st.get_affected_rows();
  });
  if (!done) return std::unexpected(done.error());
  return revoked;
}

}  // namespace setia::adapters::postgres
