#include "adapters/postgres/pg_dead_letter_store.h"

#include <limits>

#include <soci/postgresql/soci-postgresql.h>

#include "adapters/postgres/pg_rows.h"

namespace setia::adapters::postgres {
namespace {

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

std::expected<core::Page<core::DeadLetterRow>, core::StoreError> PgDeadLetterStore::dead_letters(
    const std::optional<std::string>& store_id, const core::PageRequest& page) {
  std::vector<core::DeadLetterRow> rows;
  std::string store = store_id.value_or("");
  soci::indicator store_i = store_id ? soci::i_ok : soci::i_null;
  long long before = page.after ? page.after->a : std::numeric_limits<long long>::max();
  int fetch = page.limit + 1;
  auto done = session_.run([&](soci::session& sql) {
    rows.clear();
    soci::rowset<soci::row> rs =
        (sql.prepare
             << std::string("WITH p AS (SELECT CAST(:s AS text) AS store) SELECT ") + kDeadLetterColumns +
                    " FROM dead_letters d, p WHERE (p.store IS NULL OR d.store_id = p.store) AND d.id < :before "
                    "ORDER BY d.id DESC LIMIT :lim",
         soci::use(store, store_i), soci::use(before), soci::use(fetch));
    for (const auto& r : rs) rows.push_back(dead_letter_from_row(r));
  });
  if (!done) return std::unexpected(done.error());
  return page_of(std::move(rows), page.limit, [](const auto& d) { return core::Cursor{d.id, 0}; });
}

std::expected<std::optional<core::DeadLetterRow>, core::StoreError> PgDeadLetterStore::dead_letter(
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

std::expected<void, core::StoreError> PgDeadLetterStore::release_rejected_claim(const std::string& store_id,
                                                                                const std::string& event_id) {
  return session_.run([&](soci::session& sql) {
    sql << "DELETE FROM events WHERE store_id = :s AND event_id = :e AND status = 'rejected'", soci::use(store_id),
        soci::use(event_id);
  });
}

std::expected<void, core::StoreError> PgDeadLetterStore::mark_replayed(long long id, const std::string& result_json) {
  return session_.run([&](soci::session& sql) {
    sql << "UPDATE dead_letters SET replayed_at = now(), replay_result = CAST(:r AS jsonb) WHERE id = :id",
        soci::use(result_json), soci::use(id);
  });
}

std::expected<long long, core::StoreError> PgDeadLetterStore::purge_received_before(std::int64_t before, int limit) {
  long long deleted = 0;
  // Named, not a temporary: SOCI reads a use() when the statement runs, at
  // the end of the full expression, after a temporary is gone.
  const long long received_before = before;
  auto done = session_.run([&](soci::session& sql) {
    // A bounded batch per statement (dead_letters_received serves the
    // oldest first): a purge of months never holds one long transaction.
    sql << "WITH gone AS (DELETE FROM dead_letters WHERE id IN ("
           "SELECT id FROM dead_letters WHERE received_at < to_timestamp(:b) ORDER BY received_at LIMIT :n) "
           "RETURNING 1) SELECT count(*) FROM gone",
        soci::use(received_before), soci::use(limit), soci::into(deleted);
  });
  if (!done) return std::unexpected(done.error());
  return deleted;
}

}  // namespace setia::adapters::postgres
