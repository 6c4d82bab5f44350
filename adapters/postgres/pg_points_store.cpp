#include "adapters/postgres/pg_points_store.h"

#include <nlohmann/json.hpp>

namespace setia::adapters::postgres {

// One ledger row with its sources as JSON (nulls where a source does not
// apply). An expire row shows its lot's expiry and the receipt that earned it.
// Each source is a row of the ledger row's store, and joined in it.
const char* const kPointsEntryJson = R"SQL(
  SELECT json_build_object(
    'id', l.id, 'kind', l.kind, 'points', l.points, 'at', extract(epoch FROM l.created_at)::bigint,
    'store', l.store_id, 'receipt_no', coalesce(s.receipt_no, ls.receipt_no),
    'ruleset_version', l.ruleset_version, 'rule_ids', l.rule_ids, 'reward_id', l.reward_id,
    'voucher_code', v.code, 'lot_id', l.lot_id,
    'expires_at', extract(epoch FROM coalesce(l.expires_at, lot.expires_at))::bigint,
    'remaining', l.remaining, 'reason', a.reason, 'actor', a.actor)::text
  FROM points_ledger l
  LEFT JOIN sales s ON s.store_id = l.store_id AND s.id = l.sale_id
  LEFT JOIN vouchers v ON v.store_id = l.store_id AND v.id = l.voucher_id
  LEFT JOIN points_adjustments a ON a.store_id = l.store_id AND a.id = l.adjustment_id
  LEFT JOIN points_ledger lot ON lot.store_id = l.store_id AND lot.id = l.lot_id
  LEFT JOIN sales ls ON ls.store_id = lot.store_id AND ls.id = lot.sale_id
)SQL";

namespace {

// A member's rows by code (a key of every store), newest first, a page of them.
const std::string kHistory = std::string(kPointsEntryJson) + R"SQL(
  JOIN members m ON m.store_id = l.store_id AND m.id = l.member_id
  WHERE m.code = :code AND (:before = 0 OR l.id < :before)
  ORDER BY l.id DESC
  LIMIT :lim
)SQL";

template <typename T>
std::optional<T> opt(const nlohmann::json& j, const char* key) {
  if (!j.contains(key) || j[key].is_null()) return std::nullopt;
  return j[key].get<T>();
}

}  // namespace

core::PointsEntry points_entry_from_json(const std::string& text) {
  auto j = nlohmann::json::parse(text);
  core::PointsEntry e;
  e.id = j["id"].get<long long>();
  e.kind = j["kind"].get<std::string>();
  e.points = j["points"].get<long long>();
  e.at = j["at"].get<long long>();
  e.store_id = j["store"].get<std::string>();
  e.receipt_no = opt<std::string>(j, "receipt_no");
  e.ruleset_version = opt<std::string>(j, "ruleset_version");
  if (j["rule_ids"].is_array()) e.rule_ids = j["rule_ids"].get<std::vector<std::string>>();
  e.reward_id = opt<std::string>(j, "reward_id");
  e.voucher_code = opt<std::string>(j, "voucher_code");
  e.lot_id = opt<long long>(j, "lot_id");
  e.expires_at = opt<long long>(j, "expires_at");
  e.remaining = opt<long long>(j, "remaining");
  e.reason = opt<std::string>(j, "reason");
  e.actor = opt<std::string>(j, "actor");
  return e;
}

std::expected<std::optional<core::PointsAccount>, core::StoreError> PgPointsStore::account(
    const std::string& member_code) {
  std::optional<core::PointsAccount> out;
  auto done = session_.run([&](soci::session& sql) {
    out.reset();
    // One snapshot for the balance and the lots, so that they agree.
    soci::transaction tr(sql);
    sql << "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY";
    core::PointsAccount a;
    long long balance = 0;
    sql << "SELECT id, code, store_id, points FROM members WHERE code = :c", soci::use(member_code),
        soci::into(a.member_id), soci::into(a.member_code), soci::into(a.store_id), soci::into(balance);
    if (!sql.got_data()) return;
    a.balance = balance;
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT id, remaining, extract(epoch FROM expires_at)::bigint FROM points_ledger "
                        "WHERE store_id = :s AND member_id = :m AND remaining > 0 ORDER BY expires_at NULLS LAST, id",
         soci::use(a.store_id), soci::use(a.member_id));
    for (const auto& r : rows) {
      core::PointsLot lot;
      lot.id = r.get<long long>(0);
      lot.remaining = r.get<long long>(1);
      if (r.get_indicator(2) == soci::i_ok) lot.expires_at = r.get<long long>(2);
      a.open_lots.push_back(lot);
    }
    tr.commit();
    out = std::move(a);
  });
  if (!done) return std::unexpected(done.error());
  return out;
}

std::expected<std::vector<core::PointsEntry>, core::StoreError> PgPointsStore::history(
    const std::string& member_code, int limit, std::optional<long long> before_id) {
  std::vector<core::PointsEntry> out;
  long long before = before_id.value_or(0);
  auto done = session_.run([&](soci::session& sql) {
    out.clear();
    soci::rowset<std::string> rows =
        (sql.prepare << kHistory, soci::use(member_code, "code"), soci::use(before, "before"), soci::use(limit, "lim"));
    for (const auto& r : rows) out.push_back(points_entry_from_json(r));
  });
  if (!done) return std::unexpected(done.error());
  return out;
}

std::expected<core::AdjustOutcome, core::StoreError> PgPointsStore::adjust(const core::AdjustCommand& cmd) {
  std::string result;
  long long delta = cmd.delta, expires = cmd.expires_at.value_or(0);
  soci::indicator expires_ind = cmd.expires_at ? soci::i_ok : soci::i_null;
  auto done = session_.run([&](soci::session& sql) {
    sql << "SELECT setia_adjust_points(:c, :d, :r, :a, to_timestamp(:e))::text", soci::use(cmd.member_code),
        soci::use(delta), soci::use(cmd.reason), soci::use(cmd.actor), soci::use(expires, expires_ind),
        soci::into(result);
  });
  if (!done) return std::unexpected(done.error());
  auto j = nlohmann::json::parse(result);
  core::AdjustOutcome o;
  if (j.value("status", "") == "adjusted") {
    o.status = core::AdjustOutcome::Status::adjusted;
    o.adjustment_id = j["adjustment_id"].get<long long>();
    o.before = j["before"].get<long long>();
    o.after = j["after"].get<long long>();
  } else if (j.value("reason", "") == "insufficient_points") {
    o.status = core::AdjustOutcome::Status::insufficient_points;
    o.before = o.after = j["balance"].get<long long>();
  } else {
    o.status = core::AdjustOutcome::Status::no_such_member;
  }
  return o;
}

std::expected<core::ExpiryBatch, core::StoreError> PgPointsStore::expire_due(std::int64_t now,
                                                                             const std::optional<std::string>& store_id,
                                                                             int limit) {
  core::ExpiryBatch b;
  long long at = now;
  std::string store = store_id.value_or("");
  soci::indicator store_ind = store_id ? soci::i_ok : soci::i_null;
  auto done = session_.run([&](soci::session& sql) {
    long long lots = 0, points = 0;
    sql << "SELECT expired_lots, expired_points FROM setia_expire_points(to_timestamp(:t), :s, :l)", soci::use(at),
        soci::use(store, store_ind), soci::use(limit), soci::into(lots), soci::into(points);
    b.lots = lots;
    b.points = points;
  });
  if (!done) return std::unexpected(done.error());
  return b;
}

}  // namespace setia::adapters::postgres
