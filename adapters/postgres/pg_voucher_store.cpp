#include "adapters/postgres/pg_voucher_store.h"

#include <soci/postgresql/soci-postgresql.h>
#include <nlohmann/json.hpp>

#include "core/domain/voucher_terms_json.h"

namespace setia::adapters::postgres {
namespace {

// One voucher as JSON, the same shape for the CLI, the REST API and tests.
constexpr const char* kVoucherJson = R"SQL(
  SELECT jsonb_build_object(
    'code', v.code, 'store', v.store_id, 'member', m.code, 'title', v.title, 'kind', v.kind,
    'percent', v.percent, 'max_off', v.max_off, 'amount_off', v.amount_off,
    'free_category', v.free_category, 'free_sku', v.free_sku, 'free_qty', v.free_qty,
    'min_spend', v.min_spend, 'valid_from', v.valid_from, 'valid_until', v.valid_until,
    'status', CASE WHEN v.status = 'active' AND v.valid_until <= now() THEN 'expired' ELSE v.status END,
    'source', v.source, 'redeemed_receipt', s.receipt_no, 'discount', v.discount)::text
  FROM vouchers v LEFT JOIN members m ON m.store_id = v.store_id AND m.id = v.member_id
  LEFT JOIN sales s ON s.store_id = v.store_id AND s.id = v.redeemed_sale_id
)SQL";

domain::Voucher from_json(const std::string& text) {
  auto j = nlohmann::json::parse(text);
  domain::Voucher v;
  v.code = j["code"];
  v.store_id = j["store"];
  if (!j["member"].is_null()) v.member_code = j["member"];
  v.title = j["title"];
  v.terms = j.get<domain::VoucherTerms>();
  v.terms.title = v.title;
  v.valid_from = j["valid_from"];
  v.valid_until = j["valid_until"];
  v.status = j["status"];
  v.source = j["source"];
  if (!j["redeemed_receipt"].is_null()) v.redeemed_receipt = j["redeemed_receipt"];
  if (!j["discount"].is_null()) v.discount = j["discount"].get<long long>();
  return v;
}

}  // namespace

std::expected<domain::Voucher, core::VoucherStore::InsertFailure> PgVoucherStore::insert(const core::NewVoucher& v) {
  std::string kind;
  soci::indicator percent_i = soci::i_null, max_i = soci::i_null, amount_i = soci::i_null, cat_i = soci::i_null,
                  sku_i = soci::i_null, qty_i = soci::i_null;
  int percent = 0;
  long long max_off = 0, amount = 0, qty = 0;
  std::string category, sku;
  if (auto* p = std::get_if<domain::PercentOff>(&v.terms.benefit)) {
    kind = "percent_off";
    percent = p->percent;
    percent_i = soci::i_ok;
    if (p->max_off) {
      max_off = *p->max_off;
      max_i = soci::i_ok;
    }
  } else if (auto* a = std::get_if<domain::AmountOff>(&v.terms.benefit)) {
    kind = "amount_off";
    amount = a->amount;
    amount_i = soci::i_ok;
  } else if (auto* f = std::get_if<domain::FreeItem>(&v.terms.benefit)) {
    kind = "free_item";
    qty = f->qty;
    qty_i = soci::i_ok;
    if (!f->category.empty()) {
      category = f->category;
      cat_i = soci::i_ok;
    }
    if (!f->sku.empty()) {
      sku = f->sku;
      sku_i = soci::i_ok;
    }
  }
  std::string member = v.member_code.value_or(""), source_id = v.source_id.value_or("");
  soci::indicator source_id_i = v.source_id ? soci::i_ok : soci::i_null;
  long long min_spend = v.terms.min_spend;
  int days = v.terms.valid_days;
  std::expected<domain::Voucher, InsertFailure> out = std::unexpected(InsertError::no_such_member);
  auto done = session_.run([&](soci::session& sql) {
    try {
      std::string json;
      soci::indicator ind = soci::i_null;
      sql << "WITH owner AS (SELECT id FROM members WHERE code = :member AND store_id = :store), "
             "ins AS (INSERT INTO vouchers (code, store_id, member_id, title, kind, percent, max_off, amount_off, "
             "free_category, free_sku, free_qty, min_spend, valid_until, source, source_id) "
             "SELECT :code, :store, (SELECT id FROM owner), :title, :kind, :percent, :max_off, :amount, :cat, :sku, "
             ":qty, :min_spend, now() + make_interval(days => :days), :source, :source_id "
             "WHERE :member = '' OR EXISTS (SELECT 1 FROM owner) RETURNING code) "
             "SELECT code FROM ins",
          soci::use(member, "member"), soci::use(v.store_id, "store"), soci::use(v.code, "code"),
          soci::use(v.title, "title"), soci::use(kind, "kind"), soci::use(percent, percent_i, "percent"),
          soci::use(max_off, max_i, "max_off"), soci::use(amount, amount_i, "amount"),
          soci::use(category, cat_i, "cat"), soci::use(sku, sku_i, "sku"), soci::use(qty, qty_i, "qty"),
          soci::use(min_spend, "min_spend"), soci::use(days, "days"), soci::use(v.source, "source"),
          soci::use(source_id, source_id_i, "source_id"), soci::into(json, ind);
      if (ind != soci::i_ok) return;  // no such member
      sql << std::string(kVoucherJson) + " WHERE v.store_id = :s AND v.code = :c", soci::use(v.store_id),
          soci::use(v.code), soci::into(json);
      out = from_json(json);
    } catch (const soci::postgresql_soci_error& e) {
      if (e.sqlstate() != "23505") throw;
      out = std::unexpected(InsertError::code_taken);
    }
  });
  if (!done) return std::unexpected(done.error());
  return out;
}

std::expected<std::optional<domain::Voucher>, core::StoreError> PgVoucherStore::find(const std::string& code) {
  std::optional<domain::Voucher> out;
  auto done = session_.run([&](soci::session& sql) {
    std::string json;
    soci::indicator ind = soci::i_null;
    sql << std::string(kVoucherJson) + " WHERE v.code = setia_normalize_voucher_code(:c)", soci::use(code),
        soci::into(json, ind);
    if (sql.got_data() && ind == soci::i_ok) out = from_json(json);
  });
  if (!done) return std::unexpected(done.error());
  return out;
}

std::expected<bool, core::StoreError> PgVoucherStore::void_voucher(const std::string& code) {
  long long affected = 0;
  auto done = session_.run([&](soci::session& sql) {
    soci::statement st = (sql.prepare << "UPDATE vouchers SET status = 'void' "
                                         "WHERE code = setia_normalize_voucher_code(:c) AND status = 'active'",
                          soci::use(code));
    st.execute(true);
    affected = st.get_affected_rows();
  });
  if (!done) return std::unexpected(done.error());
  return affected > 0;
}

}  // namespace setia::adapters::postgres
