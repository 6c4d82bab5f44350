#include "adapters/postgres/pg_member_directory.h"

#include <soci/postgresql/soci-postgresql.h>

#include "adapters/postgres/pg_profile_store.h"
#include "adapters/postgres/pg_rows.h"

namespace setia::adapters::postgres {
namespace {

std::string like_pattern(const std::string& q) {
  std::string out = "%";
  for (char c : q) {
    if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "%";
}

bool all_digits(const std::string& s) {
  return !s.empty() && s.size() < 19 && s.find_first_not_of("0123456789") == std::string::npos;
}

}  // namespace

std::expected<std::optional<core::Profile>, core::StoreError> PgMemberDirectory::find_member(
    const std::optional<std::string>& store_id, const std::string& id_or_code) {
  std::optional<core::Profile> out;
  long long id = all_digits(id_or_code) ? std::stoll(id_or_code) : 0;
  std::string store = store_id.value_or("");
  soci::indicator store_i = store_id ? soci::i_ok : soci::i_null;
  auto done = session_.run([&](soci::session& sql) {
    out.reset();
    soci::rowset<soci::row> rs =
        (sql.prepare << std::string("WITH p AS (SELECT CAST(:s AS text) AS store) SELECT ") + kProfileColumns +
                            " FROM members m, p WHERE (m.id = :id OR m.code = :code) "
                            "AND (p.store IS NULL OR m.store_id = p.store) AND m.erased_at IS NULL LIMIT 1",
         soci::use(store, store_i), soci::use(id), soci::use(id_or_code));
    for (const auto& r : rs) out = profile_from_row(r);
  });
  if (!done) return std::unexpected(done.error());
  return out;
}

std::expected<core::Page<core::Profile>, core::StoreError> PgMemberDirectory::search_members(
    const std::optional<std::string>& store_id, const std::string& q, const core::PageRequest& page) {
  std::vector<core::Profile> rows;
  std::string store = store_id.value_or(""), pattern = like_pattern(q);
  soci::indicator store_i = store_id ? soci::i_ok : soci::i_null;
  long long after = page.after ? page.after->a : 0;
  int fetch = page.limit + 1;
  auto done = session_.run([&](soci::session& sql) {
    rows.clear();
    soci::rowset<soci::row> rs =
        (sql.prepare
             << std::string("WITH p AS (SELECT CAST(:s AS text) AS store, CAST(:q AS text) AS q) SELECT ") +
                    kProfileColumns +
                    " FROM members m, p WHERE (p.store IS NULL OR m.store_id = p.store) AND m.erased_at IS NULL "
                    "AND (m.name ILIKE p.q OR m.code ILIKE p.q OR m.phone ILIKE p.q OR m.email ILIKE p.q) "
                    "AND m.id > :after ORDER BY m.id LIMIT :lim",
         soci::use(store, store_i), soci::use(pattern), soci::use(after), soci::use(fetch));
    for (const auto& r : rs) rows.push_back(profile_from_row(r));
  });
  if (!done) return std::unexpected(done.error());
  return page_of(std::move(rows), page.limit, [](const auto& p) { return core::Cursor{p.member.id, 0}; });
}

}  // namespace setia::adapters::postgres
