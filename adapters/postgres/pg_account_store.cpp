#include "adapters/postgres/pg_account_store.h"

#include <soci/postgresql/soci-postgresql.h>

namespace setia::adapters::postgres {

const char* const kProfileColumns =
    "m.id, m.store_id, m.code, m.name, m.phone, m.email, m.birth_date::text, m.points, m.created_at::text, "
    "m.lang, floor(extract(epoch from m.created_at))::bigint, m.promo_pushes::int";

core::Profile profile_from_row(const soci::row& r, std::size_t i) {
  core::Profile p;
  p.member.id = r.get<long long>(i);
  p.member.store_id = r.get<std::string>(i + 1);
  p.member.code = r.get<std::string>(i + 2);
  p.member.name = r.get<std::string>(i + 3);
  p.member.phone = r.get<std::string>(i + 4);
  if (r.get_indicator(i + 5) == soci::i_ok) p.member.email = r.get<std::string>(i + 5);
  if (r.get_indicator(i + 6) == soci::i_ok) p.member.birth_date = r.get<std::string>(i + 6);
  p.member.points = r.get<long long>(i + 7);
  p.member.created_at = r.get<std::string>(i + 8);
  p.lang = r.get<std::string>(i + 9);
  p.created_at = r.get<long long>(i + 10);
  p.promo_pushes = r.get<int>(i + 11) != 0;
  return p;
}

namespace {

// A login as the phone column is compared: digits and '+' only; empty for
// an email, which is never a phone.
std::string phone_digits(const std::string& login) {
  if (login.find('@') != std::string::npos) return "";
  std::string out;
  for (char c : login) {
    if ((c >= '0' && c <= '9') || c == '+') out.push_back(c);
  }
  return out;
}

// Which unique key a 23505 broke.
core::AccountStore::PatchError taken(const soci::postgresql_soci_error& e) {
  std::string what = e.what();
  return what.find("members_store_email") != std::string::npos ? core::AccountStore::PatchError::email_taken
                                                               : core::AccountStore::PatchError::phone_taken;
}

// One statement in one round trip: `sql << ...` is SOCI's one-time query
// (PQexecParams), where a rowset prepares, executes and deallocates a named
// statement (three). Reads on the request path use this form.
std::optional<core::Profile> read_profile(soci::session& sql, long long member_id) {
  core::Profile p;
  std::string email, birth;
  soci::indicator email_i = soci::i_null, birth_i = soci::i_null;
  long long points = 0, created = 0;
  int promo_pushes = 1;
  sql << std::string("SELECT ") + kProfileColumns + " FROM members m WHERE m.id = :id", soci::use(member_id),
      soci::into(p.member.id), soci::into(p.member.store_id), soci::into(p.member.code), soci::into(p.member.name),
      soci::into(p.member.phone), soci::into(email, email_i), soci::into(birth, birth_i), soci::into(points),
      soci::into(p.member.created_at), soci::into(p.lang), soci::into(created), soci::into(promo_pushes);
  if (!sql.got_data()) return std::nullopt;
  if (email_i == soci::i_ok) p.member.email = email;
  if (birth_i == soci::i_ok) p.member.birth_date = birth;
  p.member.points = points;
  p.created_at = created;
  p.promo_pushes = promo_pushes != 0;
  return p;
}

}  // namespace

std::expected<void, core::StoreError> PgAccountStore::set_password(long long member_id, const std::string& hash) {
  return session_.run([&](soci::session& sql) {
    sql << "INSERT INTO member_credentials (member_id, password_hash) VALUES (:m, :h) "
           "ON CONFLICT (member_id) DO UPDATE SET password_hash = EXCLUDED.password_hash, updated_at = now()",
        soci::use(member_id), soci::use(hash);
  });
}

std::expected<core::LoginFailures, core::StoreError> PgAccountStore::login_failures(const std::string& account,
                                                                                   std::int64_t since) {
  core::LoginFailures out;
  long long from = since, oldest = 0;
  soci::indicator oldest_ind = soci::i_null;
  auto done = session_.run([&](soci::session& sql) {
    sql << "SELECT count(*), extract(epoch FROM min(at))::bigint FROM login_failures "
           "WHERE account = :a AND at >= to_timestamp(:s)",
        soci::use(account), soci::use(from), soci::into(out.count), soci::into(oldest, oldest_ind);
  });
  if (!done) return std::unexpected(done.error());
  if (oldest_ind == soci::i_ok) out.oldest = oldest;
  return out;
}

std::expected<void, core::StoreError> PgAccountStore::add_login_failure(const std::string& account, std::int64_t at,
                                                                        std::int64_t forget_before) {
  long long when = at, forget = forget_before;
  return session_.run([&](soci::session& sql) {
    soci::transaction tr(sql);
    sql << "DELETE FROM login_failures WHERE at < to_timestamp(:f)", soci::use(forget);
    sql << "INSERT INTO login_failures (account, at) VALUES (:a, to_timestamp(:t))", soci::use(account),
        soci::use(when);
    tr.commit();
  });
}

std::expected<void, core::StoreError> PgAccountStore::clear_login_failures(const std::string& account) {
  return session_.run(
      [&](soci::session& sql) { sql << "DELETE FROM login_failures WHERE account = :a", soci::use(account); });
}

std::expected<std::optional<std::string>, core::StoreError> PgAccountStore::password_hash(long long member_id) {
  std::optional<std::string> out;
  auto done = session_.run([&](soci::session& sql) {
    std::string h;
    sql << "SELECT password_hash FROM member_credentials WHERE member_id = :m", soci::use(member_id), soci::into(h);
    if (sql.got_data()) out = h;
  });
  if (!done) return std::unexpected(done.error());
  return out;
}

std::expected<std::vector<core::LoginCandidate>, core::StoreError> PgAccountStore::login_candidates(
    const std::string& login, const std::optional<std::string>& store_id) {
  std::vector<core::LoginCandidate> out;
  std::string digits = phone_digits(login), store = store_id.value_or("");
  soci::indicator store_ind = store_id ? soci::i_ok : soci::i_null;
  auto done = session_.run([&](soci::session& sql) {
    out.clear();
    // Bounded: a login is unique per store, and a person is a member of few.
    soci::rowset<soci::row> rs =
        (sql.prepare << "SELECT m.id, m.code, m.store_id, c.password_hash FROM members m "
                        "JOIN member_credentials c ON c.member_id = m.id "
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

std::expected<long long, core::StoreError> PgAccountStore::insert_token(const core::NewToken& t) {
  long long id = 0;
  std::string role = t.role == core::Role::admin ? "admin" : "member";
  long long member = t.member_id.value_or(0);
  soci::indicator member_ind = t.member_id ? soci::i_ok : soci::i_null;
  std::string store = t.store_id.value_or("");
  soci::indicator store_ind = t.store_id ? soci::i_ok : soci::i_null;
  long long expires = t.expires_at;
  auto done = session_.run([&](soci::session& sql) {
    // Each insert also sweeps a few long-expired tokens: the table stays
    // the size of the live ones without a job of its own.
    sql << "WITH swept AS (DELETE FROM api_tokens WHERE id IN (SELECT id FROM api_tokens "
           "  WHERE expires_at < now() - interval '1 day' LIMIT 20)) "
           "INSERT INTO api_tokens (digest, role, member_id, store_id, label, expires_at) "
           "VALUES (:d, :r, :m, :s, :l, to_timestamp(:e)) RETURNING id",
        soci::use(t.digest), soci::use(role), soci::use(member, member_ind), soci::use(store, store_ind),
        soci::use(t.label), soci::use(expires), soci::into(id);
  });
  if (!done) return std::unexpected(done.error());
  return id;
}

std::expected<std::optional<core::Principal>, core::StoreError> PgAccountStore::principal(const std::string& digest,
                                                                                          std::int64_t now) {
  std::optional<core::Principal> out;
  long long at = now;
  auto done = session_.run([&](soci::session& sql) {
    out.reset();
    core::Principal p;
    std::string role;
    int all = 0;
    // Every authenticated request runs this: one round trip (see read_profile).
    sql << "SELECT t.id, t.role, coalesce(t.member_id, 0), coalesce(m.code, ''), "
           "coalesce(m.store_id, t.store_id, ''), (t.role = 'admin' AND t.store_id IS NULL)::int "
           "FROM api_tokens t LEFT JOIN members m ON m.id = t.member_id "
           "WHERE t.digest = :d AND t.expires_at > to_timestamp(:now)",
        soci::use(digest), soci::use(at), soci::into(p.token_id), soci::into(role), soci::into(p.member_id),
        soci::into(p.member_code), soci::into(p.store_id), soci::into(all);
    if (!sql.got_data()) return;
    p.role = role == "admin" ? core::Role::admin : core::Role::member;
    p.all_stores = all != 0;
    out = p;
  });
  if (!done) return std::unexpected(done.error());
  return out;
}

std::expected<bool, core::StoreError> PgAccountStore::revoke_token(const std::string& digest) {
  long long affected = 0;
  auto done = session_.run([&](soci::session& sql) {
    soci::statement st = (sql.prepare << "DELETE FROM api_tokens WHERE digest = :d", soci::use(digest));
    st.execute(true);
    affected = st.get_affected_rows();
  });
  if (!done) return std::unexpected(done.error());
  return affected > 0;
}

std::expected<void, core::StoreError> PgAccountStore::revoke_member_tokens(long long member_id, long long keep) {
  return session_.run([&](soci::session& sql) {
    sql << "DELETE FROM api_tokens WHERE member_id = :m AND id <> :k", soci::use(member_id), soci::use(keep);
  });
}

std::expected<std::optional<core::Profile>, core::StoreError> PgAccountStore::profile(long long member_id) {
  std::optional<core::Profile> out;
  auto done = session_.run([&](soci::session& sql) { out = read_profile(sql, member_id); });
  if (!done) return std::unexpected(done.error());
  return out;
}

std::expected<core::Profile, core::AccountStore::PatchFailure> PgAccountStore::update_profile(
    long long member_id, const core::ProfilePatch& p) {
  std::expected<core::Profile, PatchFailure> out = std::unexpected(PatchError::no_such_member);
  auto text = [](const std::optional<std::string>& v) { return std::pair(v.value_or(""), v ? soci::i_ok : soci::i_null); };
  auto [name, name_i] = text(p.name);
  auto [email, email_i] = text(p.email);
  auto [phone, phone_i] = text(p.phone);
  auto [birth, birth_i] = text(p.birth_date);
  auto [lang, lang_i] = text(p.lang);
  int promo = p.promo_pushes.value_or(true) ? 1 : 0;
  soci::indicator promo_i = p.promo_pushes ? soci::i_ok : soci::i_null;
  auto done = session_.run([&](soci::session& sql) {
    out = std::unexpected(PatchError::no_such_member);
    try {
      soci::transaction tr(sql);
      std::string current_birth;
      soci::indicator current_i = soci::i_null;
      long long id = 0;
      sql << "SELECT id, birth_date::text FROM members WHERE id = :m FOR UPDATE", soci::use(member_id),
          soci::into(id), soci::into(current_birth, current_i);
      if (!sql.got_data()) return;
      if (p.lock_birth_date && p.birth_date && current_i == soci::i_ok && current_birth != *p.birth_date) {
        out = std::unexpected(PatchError::birth_date_locked);
        return;
      }
      sql << "UPDATE members SET name = coalesce(CAST(:n AS text), name), email = coalesce(CAST(:e AS text), email), "
             "phone = coalesce(CAST(:p AS text), phone), birth_date = coalesce(CAST(:b AS date), birth_date), "
             "lang = coalesce(CAST(:l AS text), lang), "
             "promo_pushes = coalesce(CAST(:pp AS int) <> 0, promo_pushes) WHERE id = :m",
          soci::use(name, name_i), soci::use(email, email_i), soci::use(phone, phone_i), soci::use(birth, birth_i),
          soci::use(lang, lang_i), soci::use(promo, promo_i), soci::use(member_id);
      auto profile = read_profile(sql, member_id);
      tr.commit();
      if (profile) out = *profile;
    } catch (const soci::postgresql_soci_error& e) {
      if (e.sqlstate() != "23505") throw;
      out = std::unexpected(taken(e));
    }
  });
  if (!done) return std::unexpected(done.error());
  return out;
}

std::expected<void, core::StoreError> PgAccountStore::add_device(long long member_id, const std::string& token,
                                                                 const std::string& platform) {
  return session_.run([&](soci::session& sql) {
    sql << "INSERT INTO devices (token, member_id, platform) VALUES (:t, :m, :p) "
           "ON CONFLICT (token) DO UPDATE SET member_id = EXCLUDED.member_id, platform = EXCLUDED.platform",
        soci::use(token), soci::use(member_id), soci::use(platform);
  });
}

std::expected<bool, core::StoreError> PgAccountStore::remove_device(long long member_id, const std::string& token) {
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
