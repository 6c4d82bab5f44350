#include "adapters/postgres/pg_member_history.h"

#include "core/domain/voucher_terms_json.h"

#include <soci/postgresql/soci-postgresql.h>
#include <nlohmann/json.hpp>

#include "adapters/postgres/pg_rows.h"

namespace setia::adapters::postgres {
namespace {

// The page's "after" cursor as statement parameters: has (0/1), a, b.
struct After {
  int has = 0;
  long long a = 0, b = 0;
  explicit After(const core::PageRequest& p) {
    if (p.after) {
      has = 1;
      a = p.after->a;
      b = p.after->b;
    }
  }
};

template <class T>
std::optional<T> opt(const nlohmann::json& j, const char* k) {
  if (!j.contains(k) || j[k].is_null()) return std::nullopt;
  return j[k].get<T>();
}

}  // namespace

// The voucher columns (vouchers v, members m, sales s), named for
// json_rows, and their reading.
const char* const kVoucherColumns =
    "v.id, v.code, v.store_id, m.code AS member_code, v.title, v.kind, v.percent, v.max_off, v.amount_off, "
    "v.free_category, v.free_sku, v.free_qty, v.min_spend, "
    "floor(extract(epoch from v.valid_from))::bigint AS valid_from, "
    "floor(extract(epoch from v.valid_until))::bigint AS valid_until, "
    "CASE WHEN v.status = 'active' AND v.valid_until <= now() THEN 'expired' ELSE v.status END AS status, v.source, "
    "s.receipt_no AS redeemed_receipt, v.discount, floor(extract(epoch from v.created_at))::bigint AS created_at";
const char* const kVoucherFrom =
    " FROM vouchers v LEFT JOIN members m ON m.store_id = v.store_id AND m.id = v.member_id "
    "LEFT JOIN sales s ON s.store_id = v.store_id AND s.id = v.redeemed_sale_id ";

core::VoucherRow voucher_from_json(const nlohmann::json& r) {
  core::VoucherRow out;
  auto& v = out.voucher;
  v.code = r["code"];
  v.store_id = r["store_id"];
  v.member_code = opt<std::string>(r, "member_code");
  v.title = r["title"];
  v.terms = r.get<domain::VoucherTerms>();
  v.terms.title = v.title;
  out.valid_from = r["valid_from"];
  out.valid_until = r["valid_until"];
  v.status = r["status"];
  v.source = r["source"];
  v.redeemed_receipt = opt<std::string>(r, "redeemed_receipt");
  v.discount = opt<long long>(r, "discount");
  out.created_at = r["created_at"];
  return out;
}

// A sale with its lines and vouchers as one JSON document (over sales s):
// one statement, one round trip (an e-nota is read on every page view).
const char* const kTransactionJson =
    "json_build_object('id', s.id, 'store_id', s.store_id, 'receipt_no', s.receipt_no, "
    "  'at', floor(extract(epoch from s.occurred_at))::bigint, 'total', s.total, "
    "  'points_earned', s.points_earned, 'member_id', s.member_id, 'member_code', s.member_code, "
    "  'table', s.table_no, 'service', s.service, 'customer', s.customer_name, 'cashier', s.cashier, "
    "  'payment_method', s.payment_method, 'subtotal', s.subtotal, 'discount', s.discount, "
    "  'service_charge', s.service_charge, 'tax', s.tax, 'paid', s.paid, 'change', s.change, "
    "  'points_reversed', s.points_reversed, 'refunded', s.refunded, "
    "  'lines', coalesce((SELECT json_agg(json_build_object('sku', l.sku, 'name', l.name, "
    "      'category', l.category, 'qty', l.qty, 'unit_price', l.unit_price, 'amount', l.amount) "
    "      ORDER BY l.line_no) FROM sale_lines l WHERE l.store_id = s.store_id AND l.sale_id = s.id), '[]'), "
    "  'vouchers', coalesce((SELECT json_agg(json_build_object('code', v.code, 'redeemed', v.redeemed, "
    "      'discount', v.discount, 'reason', v.reason) ORDER BY v.code) "
    "      FROM sale_vouchers v WHERE v.store_id = s.store_id AND v.sale_id = s.id), '[]'))";

core::Transaction transaction_from_json(const nlohmann::json& j) {
  auto str = [&](const char* k) -> std::optional<std::string> {
    return j[k].is_null() ? std::nullopt : std::optional<std::string>(j[k].get<std::string>());
  };
  auto num = [&](const char* k) -> std::optional<long long> {
    return j[k].is_null() ? std::nullopt : std::optional<long long>(j[k].get<long long>());
  };
  core::Transaction t;
  t.summary = {j["id"], j["store_id"], j["receipt_no"], j["at"], j["total"], j["points_earned"], 0};
  t.member_id = num("member_id");
  t.member_code = str("member_code");
  t.table = str("table");
  t.service = str("service");
  t.customer = str("customer");
  t.cashier = str("cashier");
  t.payment_method = str("payment_method");
  t.subtotal = j["subtotal"];
  t.discount = j["discount"];
  t.service_charge = j["service_charge"];
  t.tax = j["tax"];
  t.paid = num("paid");
  t.change = num("change");
  t.points_reversed = j["points_reversed"];
  t.refunded = j["refunded"];
  for (const auto& l : j["lines"]) {
    t.lines.push_back({l["sku"].is_null() ? "" : l["sku"].get<std::string>(), l["name"],
                       l["category"].is_null() ? "" : l["category"].get<std::string>(), l["qty"], l["unit_price"],
                       l["amount"]});
    t.summary.items += l["qty"].get<long long>();
  }
  for (const auto& v : j["vouchers"]) {
    t.vouchers.push_back({v["code"], v["redeemed"], v["discount"],
                          v["reason"].is_null() ? std::nullopt : std::optional<std::string>(v["reason"])});
  }
  return t;
}

std::expected<core::Page<core::TransactionSummary>, core::StoreError> PgMemberHistory::member_transactions(
    const std::string& store_id, long long member_id, const core::PageRequest& page) {
  std::vector<core::TransactionSummary> rows;
  std::string store = store_id;
  After after(page);
  int fetch = page.limit + 1;
  auto done = session_.run([&](soci::session& sql) {
    rows.clear();
    // Ordered by the second of occurred_at, then id: the cursor (a, b) is
    // exactly that key, so no row is skipped or repeated between pages.
    auto list = json_rows(
        sql,
        "SELECT s.id, s.store_id, s.receipt_no, floor(extract(epoch from s.occurred_at))::bigint AS at, s.total, "
        "s.points_earned, (SELECT coalesce(sum(l.qty), 0) FROM sale_lines l "
        "  WHERE l.store_id = s.store_id AND l.sale_id = s.id)::bigint AS items "
        "FROM sales s WHERE s.store_id = :s AND s.member_id = :m AND (:has = 0 OR "
        "  (floor(extract(epoch from s.occurred_at))::bigint, s.id) < (:a, :b)) "
        "ORDER BY floor(extract(epoch from s.occurred_at)) DESC, s.id DESC LIMIT :lim",
        "t.at DESC, t.id DESC", store, member_id, after.has, after.a, after.b, fetch);
    for (const auto& r : list) {
      rows.push_back({r["id"], r["store_id"], r["receipt_no"], r["at"], r["total"], r["points_earned"], r["items"]});
    }
  });
  if (!done) return std::unexpected(done.error());
  return page_of(std::move(rows), page.limit, [](const auto& t) { return core::Cursor{t.at, t.id}; });
}

std::expected<std::optional<core::Transaction>, core::StoreError> PgMemberHistory::transaction(
    long long sale_id, std::optional<long long> member_id, std::optional<std::string> store_id) {
  std::optional<core::Transaction> out;
  long long member = member_id.value_or(0);
  soci::indicator member_i = member_id ? soci::i_ok : soci::i_null;
  std::string store = store_id.value_or("");
  soci::indicator store_i = store_id ? soci::i_ok : soci::i_null;
  std::string doc;
  auto done = session_.run([&](soci::session& sql) {
    doc.clear();
    sql << std::string("WITH p AS (SELECT CAST(:m AS bigint) AS member, CAST(:s AS text) AS store) SELECT ") +
               kTransactionJson +
               "::text FROM sales s, p WHERE s.id = :id AND (p.member IS NULL OR s.member_id = p.member) "
               "AND (p.store IS NULL OR s.store_id = p.store)",
        soci::use(member, member_i), soci::use(store, store_i), soci::use(sale_id), soci::into(doc);
    if (!sql.got_data()) doc.clear();
  });
  if (!done) return std::unexpected(done.error());
  if (doc.empty()) return out;
  out = transaction_from_json(nlohmann::json::parse(doc));
  return out;
}

std::expected<core::Page<core::NotificationRow>, core::StoreError> PgMemberHistory::notifications(
    const std::string& store_id, long long member_id, const core::PageRequest& page) {
  std::vector<core::NotificationRow> rows;
  std::string store = store_id;
  After after(page);
  int fetch = page.limit + 1;
  auto done = session_.run([&](soci::session& sql) {
    rows.clear();
    auto list = json_rows(
        sql,
        "SELECT n.id, n.store_id, n.kind, n.data::text AS data, floor(extract(epoch from n.created_at))::bigint AS at, "
        "m.lang, m.name FROM notifications n JOIN members m ON m.store_id = n.store_id AND m.id = n.member_id "
        "WHERE n.store_id = :s AND n.member_id = :m AND (:has = 0 OR n.id < :a) ORDER BY n.id DESC LIMIT :lim",
        "t.id DESC", store, member_id, after.has, after.a, fetch);
    for (const auto& r : list) {
      rows.push_back({r["id"], r["store_id"], r["kind"], r["data"], r["at"], r["lang"], r["name"]});
    }
  });
  if (!done) return std::unexpected(done.error());
  return page_of(std::move(rows), page.limit, [](const auto& n) { return core::Cursor{n.id, 0}; });
}

std::expected<core::Page<core::VoucherRow>, core::StoreError> PgMemberHistory::member_vouchers(
    const std::string& store_id, long long member_id, const core::PageRequest& page) {
  std::vector<core::VoucherRow> rows;
  std::string store = store_id;
  std::vector<long long> ids;
  After after(page);
  int fetch = page.limit + 1;
  auto done = session_.run([&](soci::session& sql) {
    rows.clear();
    ids.clear();
    auto list = json_rows(sql,
                          std::string("SELECT ") + kVoucherColumns + kVoucherFrom +
                              "WHERE v.store_id = :s AND v.member_id = :m AND (:has = 0 OR v.id < :a) "
                              "ORDER BY v.id DESC LIMIT :lim",
                          "t.id DESC", store, member_id, after.has, after.a, fetch);
    for (const auto& r : list) {
      rows.push_back(voucher_from_json(r));
      ids.push_back(r["id"]);
    }
  });
  if (!done) return std::unexpected(done.error());
  core::Page<core::VoucherRow> p;
  if (static_cast<int>(rows.size()) > page.limit) {
    rows.resize(static_cast<std::size_t>(page.limit));
    p.next = core::Cursor{ids[static_cast<std::size_t>(page.limit) - 1], 0};
  }
  p.items = std::move(rows);
  return p;
}

std::expected<std::optional<core::VoucherRow>, core::StoreError> PgMemberHistory::member_voucher(
    const std::string& store_id, long long member_id, const std::string& code) {
  std::optional<core::VoucherRow> out;
  std::string store = store_id, typed = code;
  auto done = session_.run([&](soci::session& sql) {
    out.reset();
    auto list = json_rows(sql,
                          std::string("SELECT ") + kVoucherColumns + kVoucherFrom +
                              "WHERE v.code = setia_normalize_voucher_code(:c) AND v.store_id = :s "
                              "AND v.member_id = :m",
                          "t.id", typed, store, member_id);
    for (const auto& r : list) out = voucher_from_json(r);
  });
  if (!done) return std::unexpected(done.error());
  return out;
}

}  // namespace setia::adapters::postgres
