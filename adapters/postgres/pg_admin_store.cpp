#include "adapters/postgres/pg_admin_store.h"

#include <soci/postgresql/soci-postgresql.h>

namespace setia::adapters::postgres {
namespace {

constexpr const char* kColumns =
    "id, store_id, login, name, role, points_limit, extract(epoch FROM disabled_at)::bigint, "
    "extract(epoch FROM created_at)::bigint, created_by";

core::AdminAccount read_admin(const soci::row& r) {
  core::AdminAccount a;
  a.id = r.get<long long>(0);
  if (r.get_indicator(1) == soci::i_ok) a.store_id = r.get<std::string>(1);
  a.login = r.get<std::string>(2);
  a.name = r.get<std::string>(3);
  a.role = core::admin_role_from(r.get<std::string>(4)).value_or(core::AdminRole::staff);
  if (r.get_indicator(5) == soci::i_ok) a.points_limit = r.get<long long>(5);
  if (r.get_indicator(6) == soci::i_ok) a.disabled_at = r.get<long long>(6);
  a.created_at = r.get<long long>(7);
  a.created_by = r.get<std::string>(8);
  return a;
}

}  // namespace

std::expected<std::optional<long long>, core::StoreError> PgAdminStore::insert_admin(const core::NewAdmin& a) {
  std::optional<long long> out;
  std::string store = a.store_id.value_or(""), role(core::admin_role_name(a.role));
  soci::indicator store_ind = a.store_id ? soci::i_ok : soci::i_null;
  long long limit = a.points_limit.value_or(0);
  soci::indicator limit_ind = a.points_limit ? soci::i_ok : soci::i_null;
  auto done = session_.run([&](soci::session& sql) {
    out.reset();
    try {
      long long id = 0;
      sql << "INSERT INTO admins (store_id, login, name, role, password_hash, points_limit, created_by) "
             "VALUES (:s, :l, :n, :r, :h, :p, :b) RETURNING id",
          soci::use(store, store_ind), soci::use(a.login), soci::use(a.name), soci::use(role),
          soci::use(a.password_hash), soci::use(limit, limit_ind), soci::use(a.created_by), soci::into(id);
      out = id;
    } catch (const soci::postgresql_soci_error& e) {
      if (e.sqlstate() != "23505") throw;  // admins_login: the login is taken
    }
  });
  if (!done) return std::unexpected(done.error());
  return out;
}

std::expected<std::optional<core::AdminAccount>, core::StoreError> PgAdminStore::admin(long long id) {
  std::optional<core::AdminAccount> out;
  auto done = session_.run([&](soci::session& sql) {
    out.reset();
    soci::rowset<soci::row> rs = (sql.prepare << "SELECT " << kColumns << " FROM admins WHERE id = :id", soci::use(id));
    for (const auto& r : rs) out = read_admin(r);
  });
  if (!done) return std::unexpected(done.error());
  return out;
}

std::expected<std::optional<std::pair<core::AdminAccount, std::string>>, core::StoreError>
PgAdminStore::admin_for_login(const std::string& login) {
  std::optional<std::pair<core::AdminAccount, std::string>> out;
  auto done = session_.run([&](soci::session& sql) {
    out.reset();
    soci::rowset<soci::row> rs =
        (sql.prepare << "SELECT " << kColumns << ", password_hash FROM admins WHERE login = lower(:l)",
         soci::use(login));
    for (const auto& r : rs) out.emplace(read_admin(r), r.get<std::string>(9));
  });
  if (!done) return std::unexpected(done.error());
  return out;
}

std::expected<std::vector<core::AdminAccount>, core::StoreError> PgAdminStore::admins(
    const std::optional<std::string>& store_id) {
  std::vector<core::AdminAccount> out;
  std::string store = store_id.value_or("");
  soci::indicator store_ind = store_id ? soci::i_ok : soci::i_null;
  auto done = session_.run([&](soci::session& sql) {
    out.clear();
    // A store has a handful of admins; an operator listing every store's
    // gets them all, as setiactl does.
    soci::rowset<soci::row> rs = (sql.prepare << "SELECT " << kColumns
                                              << " FROM admins WHERE CAST(:s AS text) IS NULL OR store_id = :s2 "
                                                 "ORDER BY store_id NULLS FIRST, id",
                                  soci::use(store, store_ind), soci::use(store, store_ind));
    for (const auto& r : rs) out.push_back(read_admin(r));
  });
  if (!done) return std::unexpected(done.error());
  return out;
}

std::expected<bool, core::StoreError> PgAdminStore::change_admin(long long id, const core::AdminChange& change,
                                                                 long long keep_token_id, bool* last_owner) {
  bool found = false;
  if (last_owner) *last_owner = false;
  auto done = session_.run([&](soci::session& sql) {
    found = false;
    if (last_owner) *last_owner = false;
    soci::transaction tr(sql);
    std::string role, store;
    soci::indicator store_ind = soci::i_null, disabled_ind = soci::i_null;
    long long disabled = 0;
    // The store's owners are locked too, so that two owners disabling each
    // other at once cannot both pass the last-owner check.
    sql << "SELECT role, store_id, extract(epoch FROM disabled_at)::bigint FROM admins WHERE id = :id FOR UPDATE",
        soci::use(id), soci::into(role), soci::into(store, store_ind), soci::into(disabled, disabled_ind);
    if (!sql.got_data()) return;
    found = true;
    if (change.disabled && *change.disabled && disabled_ind == soci::i_null && role == "owner") {
      long long others = 0;
      sql << "SELECT count(*) FROM (SELECT 1 FROM admins WHERE store_id = :s AND role = 'owner' "
             "AND disabled_at IS NULL AND id <> :id FOR UPDATE) o",
          soci::use(store), soci::use(id), soci::into(others);
      if (others == 0) {
        if (last_owner) *last_owner = true;
        return;  // rolled back
      }
    }
    if (change.disabled) {
      int off = *change.disabled ? 1 : 0;
      sql << "UPDATE admins SET disabled_at = CASE WHEN :off = 1 THEN coalesce(disabled_at, now()) END WHERE id = :id",
          soci::use(off), soci::use(id);
    }
    if (change.points_limit) {
      long long limit = change.points_limit->value_or(0);
      soci::indicator limit_ind = *change.points_limit ? soci::i_ok : soci::i_null;
      sql << "UPDATE admins SET points_limit = :p WHERE id = :id", soci::use(limit, limit_ind), soci::use(id);
    }
    if (change.password_hash) {
      sql << "UPDATE admins SET password_hash = :h WHERE id = :id", soci::use(*change.password_hash), soci::use(id);
    }
    if ((change.disabled && *change.disabled) || change.password_hash) {
      sql << "DELETE FROM api_tokens WHERE admin_id = :id AND id <> :k", soci::use(id), soci::use(keep_token_id);
    }
    tr.commit();
  });
  if (!done) return std::unexpected(done.error());
  return found;
}

std::expected<std::vector<core::ApiKeyRow>, core::StoreError> PgAdminStore::api_keys(
    const std::optional<std::string>& store_id, std::int64_t now) {
  std::vector<core::ApiKeyRow> out;
  std::string store = store_id.value_or("");
  soci::indicator store_ind = store_id ? soci::i_ok : soci::i_null;
  long long at = now;
  auto done = session_.run([&](soci::session& sql) {
    out.clear();
    soci::rowset<soci::row> rs =
        (sql.prepare << "SELECT id, store_id, label, admin_role, extract(epoch FROM created_at)::bigint, "
                        "extract(epoch FROM expires_at)::bigint, coalesce(created_by, '') FROM api_tokens "
                        "WHERE kind = 'apikey' AND expires_at > to_timestamp(:now) "
                        "  AND (CAST(:s AS text) IS NULL OR store_id = :s2) ORDER BY id",
         soci::use(at), soci::use(store, store_ind), soci::use(store, store_ind));
    for (const auto& r : rs) {
      core::ApiKeyRow k;
      k.id = r.get<long long>(0);
      if (r.get_indicator(1) == soci::i_ok) k.store_id = r.get<std::string>(1);
      k.name = r.get<std::string>(2);
      k.role = core::admin_role_from(r.get<std::string>(3)).value_or(core::AdminRole::staff);
      k.created_at = r.get<long long>(4);
      k.expires_at = r.get<long long>(5);
      k.created_by = r.get<std::string>(6);
      out.push_back(std::move(k));
    }
  });
  if (!done) return std::unexpected(done.error());
  return out;
}

std::expected<bool, core::StoreError> PgAdminStore::revoke_api_key(long long id,
                                                                   const std::optional<std::string>& store_id) {
  long long affected = 0;
  std::string store = store_id.value_or("");
  soci::indicator store_ind = store_id ? soci::i_ok : soci::i_null;
  auto done = session_.run([&](soci::session& sql) {
    soci::statement st = (sql.prepare << "DELETE FROM api_tokens WHERE id = :id AND kind = 'apikey' "
                                         "AND (CAST(:s AS text) IS NULL OR store_id = :s2)",
                          soci::use(id), soci::use(store, store_ind), soci::use(store, store_ind));
    st.execute(true);
    affected = st.get_affected_rows();
  });
  if (!done) return std::unexpected(done.error());
  return affected > 0;
}

}  // namespace setia::adapters::postgres
