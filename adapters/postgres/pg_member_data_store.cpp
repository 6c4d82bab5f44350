#include "adapters/postgres/pg_member_data_store.h"

#include <soci/postgresql/soci-postgresql.h>
#include <nlohmann/json.hpp>

#include "adapters/postgres/pg_consent_store.h"
#include "adapters/postgres/pg_member_history.h"
#include "adapters/postgres/pg_points_store.h"
#include "adapters/postgres/pg_profile_store.h"
#include "adapters/postgres/pg_reservation_store.h"
#include "adapters/postgres/pg_rows.h"

namespace setia::adapters::postgres {

std::expected<std::optional<core::MemberData>, core::StoreError> PgMemberDataStore::member_data(
    const std::string& store_id, long long member_id) {
  std::optional<core::MemberData> out;
  std::string store = store_id;
  auto done = session_.run([&](soci::session& sql) {
    out.reset();
    // One snapshot for the whole copy: a sale committing meanwhile is in
    // every part of it or in none. Read only; nothing waits for it.
    soci::transaction tr(sql);
    sql << "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY";
    core::MemberData d;
    {
      soci::rowset<soci::row> rs = (sql.prepare << std::string("SELECT ") + kProfileColumns +
                                                       " FROM members m WHERE m.store_id = :s AND m.id = :m "
                                                       "AND m.erased_at IS NULL",
                                    soci::use(store), soci::use(member_id));
      bool found = false;
      for (const auto& r : rs) {
        d.profile = profile_from_row(r);
        found = true;
      }
      if (!found) return;
    }
    {
      soci::rowset<std::string> rs =
          (sql.prepare << std::string(kPointsEntryJson) + " WHERE l.store_id = :s AND l.member_id = :m ORDER BY l.id",
           soci::use(store), soci::use(member_id));
      for (const auto& r : rs) d.points.push_back(points_entry_from_json(r));
    }
    {
      soci::rowset<std::string> rs =
          (sql.prepare << std::string("SELECT ") + kTransactionJson +
                              "::text FROM sales s WHERE s.store_id = :s AND s.member_id = :m "
                              "ORDER BY s.occurred_at, s.id",
           soci::use(store), soci::use(member_id));
      for (const auto& r : rs) d.transactions.push_back(transaction_from_json(nlohmann::json::parse(r)));
    }
    for (const auto& r : json_rows(
             sql,
             std::string("SELECT ") + kVoucherColumns + kVoucherFrom + "WHERE v.store_id = :s AND v.member_id = :m",
             "t.id", store, member_id)) {
      d.vouchers.push_back(voucher_from_json(r));
    }
    for (const auto& r : json_rows(sql,
                                   std::string("SELECT ") + kReservationColumns + kReservationFrom +
                                       "WHERE r.store_id = :s AND r.member_id = :m",
                                   "t.id", store, member_id)) {
      d.reservations.push_back(reservation_from_json(r));
    }
    for (const auto& r :
         json_rows(sql,
                   "SELECT token, platform, floor(extract(epoch FROM created_at))::bigint AS at FROM devices "
                   "WHERE store_id = :s AND member_id = :m",
                   "t.at, t.token", store, member_id)) {
      d.devices.push_back({r["token"], r["platform"], r["at"]});
    }
    for (const auto& r : json_rows(
             sql,
             "SELECT n.id, n.store_id, n.kind, n.data::text AS data, floor(extract(epoch FROM n.created_at))::bigint "
             "AS at, m.lang, m.name FROM notifications n "
             "JOIN members m ON m.store_id = n.store_id AND m.id = n.member_id "
             "WHERE n.store_id = :s AND n.member_id = :m",
             "t.id", store, member_id)) {
      d.notifications.push_back({r["id"], r["store_id"], r["kind"], r["data"], r["at"], r["lang"], r["name"]});
    }
    for (const auto& r : json_rows(
             sql,
             std::string("SELECT ") + kConsentColumns + " FROM consents c WHERE c.store_id = :s AND c.member_id = :m",
             "t.id", store, member_id)) {
      d.consents.push_back(consent_from_json(r));
    }
    for (const auto& r : json_rows(sql,
                                   "SELECT id, label, floor(extract(epoch FROM created_at))::bigint AS created_at, "
                                   "floor(extract(epoch FROM expires_at))::bigint AS expires_at FROM api_tokens "
                                   "WHERE member_id = :m AND expires_at > now()",
                                   "t.id", member_id)) {
      d.sessions.push_back({r["id"], r["label"], r["created_at"], r["expires_at"]});
    }
    long long set_at = 0;
    soci::indicator set_i = soci::i_null;
    sql << "SELECT floor(extract(epoch FROM updated_at))::bigint FROM member_credentials "
           "WHERE store_id = :s AND member_id = :m",
        soci::use(store), soci::use(member_id), soci::into(set_at, set_i);
    if (sql.got_data() && set_i == soci::i_ok) d.password_set_at = set_at;
    tr.commit();
    out = std::move(d);
  });
  if (!done) return std::unexpected(done.error());
  return out;
}

std::expected<std::optional<core::ErasureRecord>, core::StoreError> PgMemberDataStore::erase(
    const core::ErasureRequest& req) {
  std::optional<core::ErasureRecord> out;
  std::string store = req.store_id.value_or("");
  soci::indicator store_i = req.store_id ? soci::i_ok : soci::i_null;
  std::string member = req.member, by = req.requested_by, reason = req.reason;
  int notify = req.notify_admins ? 1 : 0;
  std::string doc;
  auto done = session_.run([&](soci::session& sql) {
    sql << "SELECT setia_erase_member(:s, :k, :by, :r, CAST(:n AS int) <> 0)::text", soci::use(store, store_i),
        soci::use(member), soci::use(by), soci::use(reason), soci::use(notify), soci::into(doc);
  });
  if (!done) return std::unexpected(done.error());
  auto j = nlohmann::json::parse(doc);
  const std::string status = j["status"];
  if (status == "no_such_member") return out;
  out = core::ErasureRecord{.id = j["id"],
                            .store_id = j["store_id"],
                            .member_id = j["member_id"],
                            .requested_by = j["requested_by"],
                            .reason = j["reason"],
                            .points_forfeited = j["points_forfeited"],
                            .removed_json = j["removed"].dump(),
                            .at = j["at"],
                            .already = status == "already_erased"};
  return out;
}

}  // namespace setia::adapters::postgres
