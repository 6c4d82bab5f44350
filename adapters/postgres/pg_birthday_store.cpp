#include "adapters/postgres/pg_birthday_store.h"

#include <nlohmann/json.hpp>

#include "adapters/postgres/pg_offer_store.h"
#include "core/domain/voucher_terms_json.h"

namespace setia::adapters::postgres {

std::vector<std::string> read_member_stores(soci::session& sql) {
  std::vector<std::string> out;
  soci::rowset<std::string> rows = (sql.prepare << "SELECT DISTINCT store_id FROM members ORDER BY 1");
  for (const auto& r : rows) out.push_back(r);
  return out;
}

std::expected<std::vector<std::string>, core::StoreError> PgBirthdayStore::member_stores() {
  std::vector<std::string> out;
  auto done = session_.run([&](soci::session& sql) { out = read_member_stores(sql); });
  if (!done) return std::unexpected(done.error());
  return out;
}

std::expected<std::vector<core::BirthdayCandidate>, core::StoreError> PgBirthdayStore::candidates(
    const std::string& store, domain::LocalDate day, std::int64_t set_before) {
  std::vector<core::BirthdayCandidate> out;
  const std::string date = day.to_string();
  long long before = set_before;
  auto done = session_.run([&](soci::session& sql) {
    out.clear();
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT member_id, name FROM setia_birthday_candidates(:s, CAST(:d AS date), to_timestamp(:b))",
         soci::use(store), soci::use(date), soci::use(before));
    for (const auto& r : rows) out.push_back({r.get<long long>(0), r.get<std::string>(1)});
  });
  if (!done) return std::unexpected(done.error());
  return out;
}

std::expected<int, core::StoreError> PgBirthdayStore::give(const std::string& store, domain::LocalDate day,
                                                           const std::string& title, const domain::VoucherTerms& terms,
                                                           const std::vector<core::BirthdayGift>& gifts,
                                                           std::int64_t now, std::int64_t set_before) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& g : gifts) {
    list.push_back(
        {{"member_id", g.member_id}, {"code", g.code}, {"message_id", g.message_id}, {"message_en", g.message_en}});
  }
  const std::string date = day.to_string(), terms_json = nlohmann::json(terms).dump(), gifts_json = list.dump();
  long long at = now, before = set_before;
  int given = 0;
  auto done = session_.run([&](soci::session& sql) {
    sql << "SELECT setia_birthday_gifts(:s, CAST(:d AS date), :t, CAST(:terms AS jsonb), CAST(:g AS jsonb), "
           "to_timestamp(:n), to_timestamp(:b))",
        soci::use(store), soci::use(date), soci::use(title), soci::use(terms_json), soci::use(gifts_json),
        soci::use(at), soci::use(before), soci::into(given);
  });
  if (!done) return std::unexpected(done.error());
  return given;
}

}  // namespace setia::adapters::postgres
