#include "adapters/postgres/pg_rule_version_store.h"

#include <limits>

#include <soci/postgresql/soci-postgresql.h>

#include "adapters/postgres/pg_rows.h"

namespace setia::adapters::postgres {
namespace {

constexpr const char* kColumns =
    "store_id, version, yaml, hash, source, restored_from, saved_by, actor, note, "
    "extract(epoch FROM saved_at)::bigint";
constexpr const char* kListColumns =
    "store_id, version, '' AS yaml, hash, source, restored_from, saved_by, actor, note, "
    "extract(epoch FROM saved_at)::bigint";

core::RuleVersion read_version(const soci::row& r) {
  core::RuleVersion v;
  v.store_id = r.get<std::string>(0);
  v.version = r.get<int>(1);
  v.yaml = r.get<std::string>(2);
  v.hash = r.get<std::string>(3);
  v.source = r.get<std::string>(4);
  v.restored_from = nullable<int>(r, 5);
  v.saved_by = nullable<long long>(r, 6);
  v.actor = r.get<std::string>(7);
  v.note = r.get<std::string>(8);
  v.saved_at = r.get<long long>(9);
  return v;
}

// One store's writes, one at a time (until the transaction ends).
void lock_store(soci::session& sql, const std::string& store) {
  sql << "SELECT pg_advisory_xact_lock(hashtext('setia.rule_versions'), hashtext(:s))", soci::use(store);
}

int newest_number(soci::session& sql, const std::string& store) {
  int n = 0;
  sql << "SELECT coalesce(max(version), 0) FROM rule_versions WHERE store_id = :s", soci::use(store), soci::into(n);
  return n;
}

core::RuleVersion insert(soci::session& sql, const core::NewRuleVersion& v, int number) {
  int restored = v.restored_from.value_or(0);
  soci::indicator restored_i = v.restored_from ? soci::i_ok : soci::i_null;
  long long by = v.saved_by.value_or(0);
  soci::indicator by_i = v.saved_by ? soci::i_ok : soci::i_null;
  core::RuleVersion out;
  soci::rowset<soci::row> rs =
      (sql.prepare << std::string("INSERT INTO rule_versions (store_id, version, yaml, hash, source, restored_from, "
                                  "saved_by, actor, note) VALUES (:s, :n, :y, :h, :src, :r, :b, :a, :note) "
                                  "RETURNING ") +
                          kColumns,
       soci::use(v.store_id), soci::use(number), soci::use(v.yaml), soci::use(v.hash), soci::use(v.source),
       soci::use(restored, restored_i), soci::use(by, by_i), soci::use(v.actor), soci::use(v.note));
  for (const auto& r : rs) out = read_version(r);
  return out;
}

}  // namespace

std::expected<core::RuleVersion, core::WriteFailure<core::StaleBase>> PgRuleVersionStore::save(
    const core::NewRuleVersion& v, int base, const std::optional<core::NewRuleVersion>& file_text) {
  core::RuleVersion out;
  std::optional<int> stale;
  auto done = session_.run([&](soci::session& sql) {
    stale.reset();
    soci::transaction tx(sql);
    lock_store(sql, v.store_id);
    int newest = newest_number(sql, v.store_id);
    if (newest != base) {
      stale = newest;
      return;  // the transaction rolls back: nothing written
    }
    if (newest == 0 && file_text) {
      insert(sql, *file_text, 1);
      newest = 1;
    }
    out = insert(sql, v, newest + 1);
    tx.commit();
  });
  if (!done) return std::unexpected(done.error());
  if (stale) return std::unexpected(core::StaleBase{*stale});
  return out;
}

std::expected<std::optional<core::RuleVersion>, core::StoreError> PgRuleVersionStore::record_file(
    const core::NewRuleVersion& v) {
  std::optional<core::RuleVersion> out;
  auto done = session_.run([&](soci::session& sql) {
    out.reset();
    soci::transaction tx(sql);
    lock_store(sql, v.store_id);
    int newest = newest_number(sql, v.store_id);
    int seen = 0;
    sql << "SELECT count(*) FROM rule_versions WHERE store_id = :s AND hash = :h", soci::use(v.store_id),
        soci::use(v.hash), soci::into(seen);
    if (newest == 0 || seen > 0) return;  // not edited from the console, or this content is known
    out = insert(sql, v, newest + 1);
    tx.commit();
  });
  if (!done) return std::unexpected(done.error());
  return out;
}

std::expected<std::vector<core::RuleVersion>, core::StoreError> PgRuleVersionStore::newest_of_every_store() {
  std::vector<core::RuleVersion> out;
  auto done = session_.run([&](soci::session& sql) {
    out.clear();
    soci::rowset<soci::row> rs = (sql.prepare << std::string("SELECT DISTINCT ON (store_id) ") + kColumns +
                                                     " FROM rule_versions ORDER BY store_id, version DESC");
    for (const auto& r : rs) out.push_back(read_version(r));
  });
  if (!done) return std::unexpected(done.error());
  return out;
}

std::expected<std::optional<core::RuleVersion>, core::StoreError> PgRuleVersionStore::newest(
    const std::string& store_id) {
  std::optional<core::RuleVersion> out;
  auto done = session_.run([&](soci::session& sql) {
    out.reset();
    soci::rowset<soci::row> rs =
        (sql.prepare << std::string("SELECT ") + kColumns +
                            " FROM rule_versions WHERE store_id = :s ORDER BY version DESC LIMIT 1",
         soci::use(store_id));
    for (const auto& r : rs) out = read_version(r);
  });
  if (!done) return std::unexpected(done.error());
  return out;
}

std::expected<core::Page<core::RuleVersion>, core::StoreError> PgRuleVersionStore::list(const std::string& store_id,
                                                                                        const core::PageRequest& page) {
  std::vector<core::RuleVersion> rows;
  long long before = page.after ? page.after->a : std::numeric_limits<int>::max();
  int fetch = page.limit + 1;
  auto done = session_.run([&](soci::session& sql) {
    rows.clear();
    soci::rowset<soci::row> rs =
        (sql.prepare << std::string("SELECT ") + kListColumns +
                            " FROM rule_versions WHERE store_id = :s AND version < :before ORDER BY version DESC "
                            "LIMIT :lim",
         soci::use(store_id), soci::use(before), soci::use(fetch));
    for (const auto& r : rs) rows.push_back(read_version(r));
  });
  if (!done) return std::unexpected(done.error());
  return page_of(std::move(rows), page.limit, [](const auto& v) { return core::Cursor{v.version, 0}; });
}

std::expected<std::optional<core::RuleVersion>, core::StoreError> PgRuleVersionStore::get(const std::string& store_id,
                                                                                          int version) {
  std::optional<core::RuleVersion> out;
  auto done = session_.run([&](soci::session& sql) {
    out.reset();
    soci::rowset<soci::row> rs =
        (sql.prepare << std::string("SELECT ") + kColumns + " FROM rule_versions WHERE store_id = :s AND version = :n",
         soci::use(store_id), soci::use(version));
    for (const auto& r : rs) out = read_version(r);
  });
  if (!done) return std::unexpected(done.error());
  return out;
}

}  // namespace setia::adapters::postgres
