#include "adapters/postgres/pg_consent_store.h"

#include <soci/postgresql/soci-postgresql.h>
#include <nlohmann/json.hpp>

#include "adapters/postgres/pg_rows.h"

namespace setia::adapters::postgres {
namespace {

std::optional<std::string> text(const nlohmann::json& j, const char* k) {
  if (!j.contains(k) || j[k].is_null()) return std::nullopt;
  return j[k].get<std::string>();
}

// A bound text that may be NULL.
struct Nullable {
  std::string value;
  soci::indicator ind;
  explicit Nullable(const std::optional<std::string>& v) : value(v.value_or("")), ind(v ? soci::i_ok : soci::i_null) {}
};

}  // namespace

const char* const kConsentColumns =
    "c.id, c.channel, c.granted, c.source, c.address, c.actor, c.notice, c.note, "
    "floor(extract(epoch FROM c.at))::bigint AS at";

core::ConsentRecord consent_from_json(const nlohmann::json& j) {
  return {.id = j["id"],
          .channel = j["channel"],
          .granted = j["granted"],
          .source = j["source"],
          .address = text(j, "address"),
          .actor = text(j, "actor"),
          .notice = text(j, "notice"),
          .note = text(j, "note"),
          .at = j["at"]};
}

std::expected<std::vector<core::ConsentRecord>, core::StoreError> PgConsentStore::consents(const std::string& store_id,
                                                                                           long long member_id) {
  std::vector<core::ConsentRecord> out;
  std::string store = store_id;
  auto done = session_.run([&](soci::session& sql) {
    out.clear();
    auto rows = json_rows(
        sql, std::string("SELECT ") + kConsentColumns + " FROM consents c WHERE c.store_id = :s AND c.member_id = :m",
        "t.id", store, member_id);
    for (const auto& r : rows) out.push_back(consent_from_json(r));
  });
  if (!done) return std::unexpected(done.error());
  return out;
}

std::expected<bool, core::StoreError> PgConsentStore::record_consents(const std::string& store_id, long long member_id,
                                                                      const std::vector<core::ConsentChange>& changes,
                                                                      const core::ConsentContext& context) {
  bool found = true;
  std::string store = store_id, source = context.source;
  Nullable address(context.address), actor(context.actor), notice(context.notice), note(context.note);
  auto done = session_.run([&](soci::session& sql) {
    found = true;
    // All the changes or none; each under the member's row lock
    // (setia_record_consent), which the first takes for the transaction.
    soci::transaction tr(sql);
    for (const auto& c : changes) {
      std::string channel = c.channel;
      int granted = c.granted ? 1 : 0, recorded = 0;
      soci::indicator recorded_i = soci::i_null;
      sql << "SELECT setia_record_consent(:s, :m, :c, CAST(:g AS int) <> 0, :src, :a, :by, :n, :note)::int",
          soci::use(store), soci::use(member_id), soci::use(channel), soci::use(granted), soci::use(source),
          soci::use(address.value, address.ind), soci::use(actor.value, actor.ind), soci::use(notice.value, notice.ind),
          soci::use(note.value, note.ind), soci::into(recorded, recorded_i);
      if (recorded_i != soci::i_ok) {
        found = false;  // no such member: nothing of this call stays
        return;
      }
    }
    tr.commit();
  });
  if (!done) return std::unexpected(done.error());
  return found;
}

}  // namespace setia::adapters::postgres
