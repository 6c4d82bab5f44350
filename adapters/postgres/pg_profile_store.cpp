#include "adapters/postgres/pg_profile_store.h"

#include <soci/postgresql/soci-postgresql.h>

namespace setia::adapters::postgres {

const char* const kProfileColumns =
    "m.id, m.store_id, m.code, m.name, m.phone, m.email, m.birth_date::text, m.points, m.created_at::text, "
    "m.lang, floor(extract(epoch from m.created_at))::bigint, "
    "setia_consent_granted(m.store_id, m.id, 'push_promo')::int";

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

// Which unique key a 23505 broke.
core::ProfileStore::PatchError taken(const soci::postgresql_soci_error& e) {
  std::string what = e.what();
  return what.find("members_store_email") != std::string::npos ? core::ProfileStore::PatchError::email_taken
                                                               : core::ProfileStore::PatchError::phone_taken;
}

// One statement in one round trip: `sql << ...` is SOCI's one-time query
// (PQexecParams), where a rowset prepares, executes and deallocates a named
// statement (three). Reads on the request path use this form.
std::optional<core::Profile> read_profile(soci::session& sql, const std::string& store_id, long long member_id) {
  core::Profile p;
  std::string email, birth;
  soci::indicator email_i = soci::i_null, birth_i = soci::i_null;
  long long points = 0, created = 0;
  int promo_pushes = 0;
  // An erased member (migrations/0019_privacy.sql) has no profile.
  sql << std::string("SELECT ") + kProfileColumns +
             " FROM members m WHERE m.store_id = :s AND m.id = :id AND m.erased_at IS NULL",
      soci::use(store_id), soci::use(member_id), soci::into(p.member.id), soci::into(p.member.store_id),
      soci::into(p.member.code), soci::into(p.member.name), soci::into(p.member.phone), soci::into(email, email_i),
      soci::into(birth, birth_i), soci::into(points), soci::into(p.member.created_at), soci::into(p.lang),
      soci::into(created), soci::into(promo_pushes);
  if (!sql.got_data()) return std::nullopt;
  if (email_i == soci::i_ok) p.member.email = email;
  if (birth_i == soci::i_ok) p.member.birth_date = birth;
  p.member.points = points;
  p.created_at = created;
  p.promo_pushes = promo_pushes != 0;
  return p;
}

}  // namespace

std::expected<std::optional<core::Profile>, core::StoreError> PgProfileStore::profile(const std::string& store_id,
                                                                                      long long member_id) {
  std::optional<core::Profile> out;
  auto done = session_.run([&](soci::session& sql) { out = read_profile(sql, store_id, member_id); });
  if (!done) return std::unexpected(done.error());
  return out;
}

std::expected<core::Profile, core::ProfileStore::PatchFailure> PgProfileStore::update_profile(
    const std::string& store_id, long long member_id, const core::ProfilePatch& p) {
  std::expected<core::Profile, PatchFailure> out = std::unexpected(PatchError::no_such_member);
  auto text = [](const std::optional<std::string>& v) {
    return std::pair(v.value_or(""), v ? soci::i_ok : soci::i_null);
  };
  auto [name, name_i] = text(p.name);
  auto [email, email_i] = text(p.email);
  auto [phone, phone_i] = text(p.phone);
  auto [birth, birth_i] = text(p.birth_date);
  auto [lang, lang_i] = text(p.lang);
  auto done = session_.run([&](soci::session& sql) {
    out = std::unexpected(PatchError::no_such_member);
    try {
      soci::transaction tr(sql);
      std::string current_birth;
      soci::indicator current_i = soci::i_null;
      long long id = 0;
      sql << "SELECT id, birth_date::text FROM members WHERE store_id = :s AND id = :m AND erased_at IS NULL "
             "FOR UPDATE",
          soci::use(store_id), soci::use(member_id), soci::into(id), soci::into(current_birth, current_i);
      if (!sql.got_data()) return;
      const bool birth_changes = p.birth_date && (current_i != soci::i_ok || current_birth != *p.birth_date);
      if (p.lock_birth_date && birth_changes && current_i == soci::i_ok) {
        out = std::unexpected(PatchError::birth_date_locked);
        return;
      }
      // Who set the birth date, for the audit (its instant is the
      // trigger's, migrations/0021_accounts.sql).
      std::string by = p.actor;
      soci::indicator by_i = birth_changes ? soci::i_ok : soci::i_null;
      sql << "UPDATE members SET name = coalesce(CAST(:n AS text), name), email = coalesce(CAST(:e AS text), email), "
             "phone = coalesce(CAST(:p AS text), phone), birth_date = coalesce(CAST(:b AS date), birth_date), "
             "birth_date_set_by = coalesce(CAST(:by AS text), birth_date_set_by), "
             "lang = coalesce(CAST(:l AS text), lang) WHERE store_id = :s AND id = :m",
          soci::use(name, name_i), soci::use(email, email_i), soci::use(phone, phone_i), soci::use(birth, birth_i),
          soci::use(by, by_i), soci::use(lang, lang_i), soci::use(store_id), soci::use(member_id);
      auto profile = read_profile(sql, store_id, member_id);
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

}  // namespace setia::adapters::postgres
