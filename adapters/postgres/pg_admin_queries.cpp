// PgCrmQueries: what admins and operators read (members, dead letters,
// the outbox backlog).
#include <limits>

#include <soci/postgresql/soci-postgresql.h>

#include "adapters/postgres/pg_account_store.h"
#include "adapters/postgres/pg_crm_queries.h"

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

// Hex (decode(payload, 'hex') of bytea) back to bytes.
std::string unhex(const std::string& hex) {
  auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  std::string out;
  out.reserve(hex.size() / 2);
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>((nibble(hex[i]) << 4) | nibble(hex[i + 1])));
  }
  return out;
}

constexpr const char* kDeadLetterColumns =
    "d.id, d.store_id, d.event_id, d.topic, d.reason, d.detail, encode(d.payload, 'hex'), "
    "floor(extract(epoch from d.received_at))::bigint, floor(extract(epoch from d.replayed_at))::bigint, "
    "d.replay_result::text";

core::DeadLetterRow dead_letter_from_row(const soci::row& r) {
  core::DeadLetterRow d;
  d.id = r.get<long long>(0);
  d.store_id = nullable<std::string>(r, 1);
  d.event_id = nullable<std::string>(r, 2);
  d.topic = r.get<std::string>(3);
  d.reason = r.get<std::string>(4);
  d.detail = r.get<std::string>(5);
  d.payload = unhex(r.get<std::string>(6));
  d.at = r.get<long long>(7);
  d.replayed_at = nullable<long long>(r, 8);
  d.replay_result = nullable<std::string>(r, 9);
  return d;
}

}  // namespace

std::expected<std::optional<core::Profile>, core::StoreError> PgCrmQueries::find_member(
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
                            "AND (p.store IS NULL OR m.store_id = p.store) LIMIT 1",
         soci::use(store, store_i), soci::use(id), soci::use(id_or_code));
    for (const auto& r : rs) out = profile_from_row(r);
  });
  if (!done) return std::unexpected(done.error());
  return out;
}

std::expected<core::Page<core::Profile>, core::StoreError> PgCrmQueries::search_members(
    const std::optional<std::string>& store_id, const std::string& q, const core::PageRequest& page) {
  std::vector<core::Profile> rows;
  std::string store = store_id.value_or(""), pattern = like_pattern(q);
  soci::indicator store_i = store_id ? soci::i_ok : soci::i_null;
  long long after = page.after ? page.after->a : 0;
  int fetch = page.limit + 1;
  auto done = session_.run([&](soci::session& sql) {
    rows.clear();
    soci::rowset<soci::row> rs =
        (sql.prepare << std::string("WITH p AS (SELECT CAST(:s AS text) AS store, CAST(:q AS text) AS q) SELECT ") +
                            kProfileColumns +
                            " FROM members m, p WHERE (p.store IS NULL OR m.store_id = p.store) "
                            "AND (m.name ILIKE p.q OR m.code ILIKE p.q OR m.phone ILIKE p.q OR m.email ILIKE p.q) "
                            "AND m.id > :after ORDER BY m.id LIMIT :lim",
         soci::use(store, store_i), soci::use(pattern), soci::use(after), soci::use(fetch));
    for (const auto& r : rs) rows.push_back(profile_from_row(r));
  });
  if (!done) return std::unexpected(done.error());
  return page_of(std::move(rows), page.limit, [](const auto& p) { return core::Cursor{p.member.id, 0}; });
}

std::expected<core::Page<core::DeadLetterRow>, core::StoreError> PgCrmQueries::dead_letters(
    const std::optional<std::string>& store_id, const core::PageRequest& page) {
  std::vector<core::DeadLetterRow> rows;
  std::string store = store_id.value_or("");
  soci::indicator store_i = store_id ? soci::i_ok : soci::i_null;
  long long before = page.after ? page.after->a : std::numeric_limits<long long>::max();
  int fetch = page.limit + 1;
  auto done = session_.run([&](soci::session& sql) {
    rows.clear();
    soci::rowset<soci::row> rs =
        (sql.prepare << std::string("WITH p AS (SELECT CAST(:s AS text) AS store) SELECT ") + kDeadLetterColumns +
                            " FROM dead_letters d, p WHERE (p.store IS NULL OR d.store_id = p.store) AND d.id < :before "
                            "ORDER BY d.id DESC LIMIT :lim",
         soci::use(store, store_i), soci::use(before), soci::use(fetch));
    for (const auto& r : rs) rows.push_back(dead_letter_from_row(r));
  });
  if (!done) return std::unexpected(done.error());
  return page_of(std::move(rows), page.limit, [](const auto& d) { return core::Cursor{d.id, 0}; });
}

std::expected<std::optional<core::DeadLetterRow>, core::StoreError> PgCrmQueries::dead_letter(
    long long id, const std::optional<std::string>& store_id) {
  std::optional<core::DeadLetterRow> out;
  std::string store = store_id.value_or("");
  soci::indicator store_i = store_id ? soci::i_ok : soci::i_null;
  auto done = session_.run([&](soci::session& sql) {
    out.reset();
    soci::rowset<soci::row> rs =
        (sql.prepare << std::string("WITH p AS (SELECT CAST(:s AS text) AS store) SELECT ") + kDeadLetterColumns +
                            " FROM dead_letters d, p WHERE d.id = :id AND (p.store IS NULL OR d.store_id = p.store)",
         soci::use(store, store_i), soci::use(id));
    for (const auto& r : rs) out = dead_letter_from_row(r);
  });
  if (!done) return std::unexpected(done.error());
  return out;
}

std::expected<void, core::StoreError> PgCrmQueries::release_rejected_claim(const std::string& store_id,
                                                                           const std::string& event_id) {
  return session_.run([&](soci::session& sql) {
    sql << "DELETE FROM events WHERE store_id = :s AND event_id = :e AND status = 'rejected'", soci::use(store_id),
        soci::use(event_id);
  });
}

std::expected<void, core::StoreError> PgCrmQueries::mark_replayed(long long id, const std::string& result_json) {
  return session_.run([&](soci::session& sql) {
    sql << "UPDATE dead_letters SET replayed_at = now(), replay_result = CAST(:r AS jsonb) WHERE id = :id",
        soci::use(result_json), soci::use(id);
  });
}

std::expected<std::vector<std::pair<std::string, long long>>, core::StoreError> PgCrmQueries::outbox_backlog() {
  std::vector<std::pair<std::string, long long>> out;
  auto done = session_.run([&](soci::session& sql) {
    out.clear();
    // The backlog only (sent rows only grow), and every status of it even
    // with no row, so that a series never vanishes.
    soci::rowset<soci::row> rs =
        (sql.prepare << "SELECT s.status, count(o.id)::bigint FROM (VALUES ('pending'), ('dead')) s(status) "
                        "LEFT JOIN outbox o ON o.status = s.status GROUP BY s.status ORDER BY s.status");
    for (const auto& r : rs) out.emplace_back(r.get<std::string>(0), r.get<long long>(1));
  });
  if (!done) return std::unexpected(done.error());
  return out;
}

std::expected<long long, core::StoreError> PgCrmQueries::dead_letter_total() {
  long long n = 0;
  auto done = session_.run([&](soci::session& sql) { sql << "SELECT count(*) FROM dead_letters", soci::into(n); });
  if (!done) return std::unexpected(done.error());
  return n;
}

std::expected<void, core::StoreError> PgCrmQueries::ping() {
  return session_.run([](soci::session& sql) {
    int one = 0;
    sql << "SELECT 1", soci::into(one);
  });
}

}  // namespace setia::adapters::postgres
