#include "adapters/postgres/pg_sale_records.h"

namespace setia::adapters::postgres {

std::expected<std::optional<long long>, core::StoreError> PgSaleRecords::sale_id(const std::string& store_id,
                                                                                 const std::string& receipt_no) {
  std::optional<long long> out;
  auto done = session_.run([&](soci::session& sql) {
    long long id = 0;
    sql << "SELECT id FROM sales WHERE store_id = :s AND receipt_no = :r", soci::use(store_id), soci::use(receipt_no),
        soci::into(id);
    out = sql.got_data() ? std::optional(id) : std::nullopt;
  });
  if (!done) return std::unexpected(done.error());
  return out;
}

std::expected<std::vector<core::RecordedSale>, core::StoreError> PgSaleRecords::member_sales_since(std::int64_t since) {
  return member_sales(std::nullopt, since);
}

std::expected<std::vector<core::RecordedSale>, core::StoreError> PgSaleRecords::member_sales_of_store_since(
    const std::string& store_id, std::int64_t since) {
  return member_sales(store_id, since);
}

std::expected<std::vector<core::RecordedSale>, core::StoreError> PgSaleRecords::member_sales(
    const std::optional<std::string>& store_id, std::int64_t since) {
  std::vector<core::RecordedSale> out;
  const long long from = since;
  std::string store = store_id.value_or("");
  soci::indicator store_i = store_id ? soci::i_ok : soci::i_null;
  auto done = session_.run([&](soci::session& sql) {
    out.clear();
    soci::rowset<soci::row> rows =
        (sql.prepare
             << "SELECT jsonb_build_object('store_id', s.store_id, 'receipt_no', s.receipt_no, 'occurred_at', s.occurred_at, "
                "'subtotal', s.subtotal, 'total', s.total, 'items', (SELECT jsonb_agg(jsonb_build_object('sku', l.sku, "
                "'name', l.name, 'qty', l.qty, 'unit_price', l.unit_price, 'category', l.category) ORDER BY l.line_no) "
                "FROM sale_lines l WHERE l.store_id = s.store_id AND l.sale_id = s.id))::text, s.points_earned "
                "FROM sales s WHERE s.member_id IS NOT NULL AND s.occurred_at >= to_timestamp(:since) "
                "AND (CAST(:store AS text) IS NULL OR s.store_id = :store2) ORDER BY s.id",
         soci::use(from), soci::use(store, store_i), soci::use(store, store_i));
    for (const auto& r : rows) out.push_back({r.get<std::string>(0), r.get<long long>(1)});
  });
  if (!done) return std::unexpected(done.error());
  return out;
}

}  // namespace setia::adapters::postgres
