#include "adapters/postgres/pg_member_store.h"

#include <soci/postgresql/soci-postgresql.h>

namespace setia::adapters::postgres {

std::expected<domain::Member, core::MemberStore::InsertFailure> PgMemberStore::insert(
    const domain::Member& m, const std::optional<std::string>& password_hash) {
  std::expected<domain::Member, InsertFailure> out = m;
  std::string email = m.email.value_or(""), birth = m.birth_date.value_or("");
  soci::indicator email_ind = m.email ? soci::i_ok : soci::i_null;
  soci::indicator birth_ind = m.birth_date ? soci::i_ok : soci::i_null;
  auto done = session_.run([&](soci::session& sql) {
    try {
      soci::transaction tr(sql);  // rolled back by an exception
      long long id = 0;
      std::string created;
      sql << "INSERT INTO members (store_id, code, name, phone, email, birth_date) "
             "VALUES (:s, :c, :n, :p, :e, CAST(:b AS date)) RETURNING id, created_at::text",
          soci::use(m.store_id), soci::use(m.code), soci::use(m.name), soci::use(m.phone), soci::use(email, email_ind),
          soci::use(birth, birth_ind), soci::into(id), soci::into(created);
      if (password_hash) {
        sql << "INSERT INTO member_credentials (store_id, member_id, password_hash) VALUES (:s, :m, :h)",
            soci::use(m.store_id), soci::use(id), soci::use(*password_hash);
      }
      tr.commit();
      out->id = id;
      out->created_at = created;
    } catch (const soci::postgresql_soci_error& e) {
      if (e.sqlstate() != "23505") throw;
      std::string what = e.what();
      if (what.find("members_code_key") != std::string::npos)
        out = std::unexpected(core::MemberStore::InsertError::code_taken);
      else if (what.find("members_store_email") != std::string::npos)
        out = std::unexpected(core::MemberStore::InsertError::email_taken);
      else
        out = std::unexpected(core::MemberStore::InsertError::phone_taken);
    }
  });
  if (!done) return std::unexpected(done.error());
  return out;
}

std::expected<std::optional<domain::Member>, core::StoreError> PgMemberStore::find_by_code(const std::string& code) {
  std::optional<domain::Member> out;
  auto done = session_.run([&](soci::session& sql) {
    domain::Member m;
    std::string email, birth;
    soci::indicator email_ind, birth_ind;
    long long points = 0;
    sql << "SELECT id, store_id, code, name, phone, email, birth_date::text, points, created_at::text "
           "FROM members WHERE code = :c AND erased_at IS NULL",
        soci::use(code), soci::into(m.id), soci::into(m.store_id), soci::into(m.code), soci::into(m.name),
        soci::into(m.phone), soci::into(email, email_ind), soci::into(birth, birth_ind), soci::into(points),
        soci::into(m.created_at);
    if (!sql.got_data()) return;
    if (email_ind == soci::i_ok) m.email = email;
    if (birth_ind == soci::i_ok) m.birth_date = birth;
    m.points = points;
    out = std::move(m);
  });
  if (!done) return std::unexpected(done.error());
  return out;
}

}  // namespace setia::adapters::postgres
