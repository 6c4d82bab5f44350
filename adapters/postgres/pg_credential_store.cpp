#include "adapters/postgres/pg_credential_store.h"

#include <soci/postgresql/soci-postgresql.h>

#include "core/domain/member.h"

namespace setia::adapters::postgres {
namespace {

// A login as the phone column is compared (domain::normalized_phone);
// empty for an email, which is never a phone.
std::string phone_digits(const std::string& login) {
  if (login.find('@') != std::string::npos) return "";
  return domain::normalized_phone(login);
}

}  // namespace

std::expected<void, core::StoreError> PgCredentialStore::set_password(const std::string& store_id, long long member_id,
                                                                      const std::string& hash) {
  return session_.run([&](soci::session& sql) {
    sql << "INSERT INTO member_credentials (store_id, member_id, password_hash) VALUES (:s, :m, :h) "
           "ON CONFLICT (member_id) DO UPDATE SET password_hash = EXCLUDED.password_hash, updated_at = now()",
        soci::use(store_id), soci::use(member_id), soci::use(hash);
  });
}

std::expected<std::optional<std::string>, core::StoreError> PgCredentialStore::password_hash(
    const std::string& store_id, long long member_id) {
  std::optional<std::string> out;
  auto done = session_.run([&](soci::session& sql) {
    std::string h;
    sql << "SELECT password_hash FROM member_credentials WHERE store_id = :s AND member_id = :m", soci::use(store_id),
        soci::use(member_id), soci::into(h);
    if (sql.got_data()) out = h;
  });
  if (!done) return std::unexpected(done.error());
  return out;
}

std::expected<std::vector<core::LoginCandidate>, core::StoreError> PgCredentialStore::login_candidates(
    const std::string& login, const std::optional<std::string>& store_id) {
  std::vector<core::LoginCandidate> out;
  std::string digits = phone_digits(login), store = store_id.value_or("");
  soci::indicator store_ind = store_id ? soci::i_ok : soci::i_null;
  auto done = session_.run([&](soci::session& sql) {
    out.clear();
    // Bounded: a login is unique per store, and a person is a member of few.
    soci::rowset<soci::row> rs =
        (sql.prepare << "SELECT m.id, m.code, m.store_id, c.password_hash FROM members m "
                        "JOIN member_credentials c ON c.store_id = m.store_id AND c.member_id = m.id "
                        "WHERE (lower(m.email) = lower(:login) "
                        "       OR (:digits <> '' AND regexp_replace(m.phone, '[^0-9+]', '', 'g') = :digits2)) "
                        "  AND (CAST(:store AS text) IS NULL OR m.store_id = :store2) "
                        "ORDER BY m.id LIMIT 8",
         soci::use(login), soci::use(digits), soci::use(digits), soci::use(store, store_ind),
         soci::use(store, store_ind));
    for (const auto& r : rs) {
      out.push_back({r.get<long long>(0), r.get<std::string>(1), r.get<std::string>(2), r.get<std::string>(3)});
    }
  });
  if (!done) return std::unexpected(done.error());
  return out;
}

std::expected<long long, core::StoreError> PgCredentialStore::insert_token(const core::NewToken& t) {
  long long id = 0;
  std::string role = t.role == core::Role::admin ? "admin" : "member";
  long long member = t.member_id.value_or(0);
  soci::indicator member_ind = t.member_id ? soci::i_ok : soci::i_null;
  std::string store = t.store_id.value_or("");
  soci::indicator store_ind = t.store_id ? soci::i_ok : soci::i_null;
  long long expires = t.expires_at;
  std::string kind = t.kind == core::TokenKind::session   ? "session"
                     : t.kind == core::TokenKind::apikey  ? "apikey"
                     : t.kind == core::TokenKind::access  ? "access"
                     : t.kind == core::TokenKind::refresh ? "refresh"
                                                          : "token";
  long long admin = t.admin_id.value_or(0);
  soci::indicator admin_ind = t.admin_id ? soci::i_ok : soci::i_null;
  std::string admin_role = t.admin_role ? std::string(core::admin_role_name(*t.admin_role)) : "";
  soci::indicator admin_role_ind = t.admin_role ? soci::i_ok : soci::i_null;
  soci::indicator by_ind = t.created_by.empty() ? soci::i_null : soci::i_ok;
  long long family = t.family_id.value_or(0);
  soci::indicator family_ind = t.family_id ? soci::i_ok : soci::i_null;
  auto done = session_.run([&](soci::session& sql) {
    // Each insert also sweeps a few long-expired tokens: the table stays
    // the size of the live ones without a job of its own.
    sql << "WITH swept AS (DELETE FROM api_tokens WHERE id IN (SELECT id FROM api_tokens "
           "  WHERE expires_at < now() - interval '1 day' LIMIT 20)) "
           "INSERT INTO api_tokens (digest, role, member_id, store_id, label, expires_at, kind, admin_id, admin_role, "
           "  created_by, family_id) "
           "VALUES (:d, :r, :m, :s, :l, to_timestamp(:e), :k, :a, :ar, :by, :f) RETURNING id",
        soci::use(t.digest), soci::use(role), soci::use(member, member_ind), soci::use(store, store_ind),
        soci::use(t.label), soci::use(expires), soci::use(kind), soci::use(admin, admin_ind),
        soci::use(admin_role, admin_role_ind), soci::use(t.created_by, by_ind), soci::use(family, family_ind),
        soci::into(id);
  });
  if (!done) return std::unexpected(done.error());
  return id;
}

std::expected<std::optional<core::Principal>, core::StoreError> PgCredentialStore::principal(const std::string& digest,
                                                                                             std::int64_t now) {
  std::optional<core::Principal> out;
  long long at = now;
  auto done = session_.run([&](soci::session& sql) {
    out.reset();
    core::Principal p;
    std::string role, kind, admin_role;
    int all = 0;
    long long limit = 0;
    soci::indicator limit_ind = soci::i_null;
    // Every authenticated request runs this: one round trip (see
    // pg_profile_store.cpp, read_profile). A session speaks with its
    // account's role and limit as they are now, and not at all once the
    // account is disabled; an old admin token of one store is its owner,
    // of every store an operator.
    sql << "SELECT t.id, t.role, coalesce(t.member_id, 0), coalesce(m.code, ''), "
           "coalesce(m.store_id, t.store_id, ''), (t.role = 'admin' AND t.store_id IS NULL)::int, t.kind, "
           "coalesce(a.role, t.admin_role, CASE WHEN t.store_id IS NULL THEN 'operator' ELSE 'owner' END), "
           "coalesce(t.admin_id, 0), a.points_limit, coalesce(a.login, t.label) "
           "FROM api_tokens t LEFT JOIN members m ON m.id = t.member_id LEFT JOIN admins a ON a.id = t.admin_id "
           "WHERE t.digest = :d AND t.expires_at > to_timestamp(:now) AND a.disabled_at IS NULL AND t.kind <> 'refresh'",
        soci::use(digest), soci::use(at), soci::into(p.token_id), soci::into(role), soci::into(p.member_id),
        soci::into(p.member_code), soci::into(p.store_id), soci::into(all), soci::into(kind), soci::into(admin_role),
        soci::into(p.admin_id), soci::into(limit, limit_ind), soci::into(p.label);
    if (!sql.got_data()) return;
    p.role = role == "admin" ? core::Role::admin : core::Role::member;
    p.all_stores = all != 0;
    p.kind = kind == "session"  ? core::TokenKind::session
             : kind == "apikey" ? core::TokenKind::apikey
             : kind == "access" ? core::TokenKind::access
                                : core::TokenKind::token;
    p.admin_role = core::admin_role_from(admin_role).value_or(core::AdminRole::staff);
    if (limit_ind == soci::i_ok) p.points_limit = limit;
    out = p;
  });
  if (!done) return std::unexpected(done.error());
  return out;
}

std::expected<bool, core::StoreError> PgCredentialStore::revoke_token(const std::string& digest) {
  long long affected = 0;
  auto done = session_.run([&](soci::session& sql) {
    soci::statement st = (sql.prepare << "DELETE FROM api_tokens WHERE digest = :d", soci::use(digest));
    st.execute(true);
    affected = st.get_affected_rows();
  });
  if (!done) return std::unexpected(done.error());
  return affected > 0;
}

std::expected<void, core::StoreError> PgCredentialStore::revoke_member_tokens(long long member_id, long long keep) {
  return session_.run([&](soci::session& sql) {
    // The kept token's refresh token (its family) stays with it.
    sql << "DELETE FROM api_tokens WHERE member_id = :m AND id <> :k AND (family_id IS NULL OR family_id IS DISTINCT "
           "FROM (SELECT family_id FROM api_tokens WHERE id = :k2))",
        soci::use(member_id), soci::use(keep), soci::use(keep);
  });
}

std::expected<long long, core::StoreError> PgCredentialStore::new_token_family() {
  long long id = 0;
  auto done = session_.run([&](soci::session& sql) { sql << "SELECT nextval('api_token_families')", soci::into(id); });
  if (!done) return std::unexpected(done.error());
  return id;
}

std::expected<core::RefreshUse, core::StoreError> PgCredentialStore::use_refresh(const std::string& digest,
                                                                                 std::int64_t now) {
  core::RefreshUse out;
  long long at = now;
  auto done = session_.run([&](soci::session& sql) {
    out = {};
    soci::transaction tr(sql);
    long long member = 0, family = 0;
    std::string store;
    soci::indicator used_ind = soci::i_null;
    std::string used;
    // Locked: two renewals with one token at once are one use and one reuse.
    sql << "SELECT member_id, store_id, family_id, used_at::text FROM api_tokens "
           "WHERE digest = :d AND kind = 'refresh' AND expires_at > to_timestamp(:now) FOR UPDATE",
        soci::use(digest), soci::use(at), soci::into(member), soci::into(store), soci::into(family),
        soci::into(used, used_ind);
    if (!sql.got_data()) return;
    out.member_id = member;
    out.store_id = store;
    out.family_id = family;
    if (used_ind == soci::i_ok) {
      // Used before: whoever holds the other copy is not the member, or
      // the member is not who holds this one. The family ends.
      sql << "DELETE FROM api_tokens WHERE family_id = :f", soci::use(family);
      out.status = core::RefreshUse::Status::reused;
    } else {
      // The access tokens of the family end with it: one live pair.
      sql << "UPDATE api_tokens SET used_at = now() WHERE digest = :d", soci::use(digest);
      sql << "DELETE FROM api_tokens WHERE family_id = :f AND kind = 'access'", soci::use(family);
      out.status = core::RefreshUse::Status::ok;
    }
    tr.commit();
  });
  if (!done) return std::unexpected(done.error());
  return out;
}

}  // namespace setia::adapters::postgres
