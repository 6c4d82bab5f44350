#include "adapters/postgres/pg_report_rollup_store.h"

#include <soci/postgresql/soci-postgresql.h>

namespace setia::adapters::postgres {

std::expected<std::vector<std::string>, core::StoreError> PgReportRollupStore::stores() {
  std::vector<std::string> out;
  auto done = session_.run([&](soci::session& sql) {
    out.clear();
    // The stores with sales by sales_store_time, one index probe per store
    // (a loose index scan): DISTINCT would read every sale.
    soci::rowset<std::string> rows =
        (sql.prepare << "WITH RECURSIVE s AS ("
                        "  (SELECT store_id FROM sales ORDER BY store_id LIMIT 1) "
                        "  UNION ALL SELECT (SELECT x.store_id FROM sales x WHERE x.store_id > s.store_id "
                        "                    ORDER BY x.store_id LIMIT 1) FROM s WHERE s.store_id IS NOT NULL) "
                        "SELECT store_id FROM s WHERE store_id IS NOT NULL "
                        "UNION SELECT store_id FROM stores UNION SELECT store_id FROM report_rollups ORDER BY 1");
    for (const auto& r : rows) out.push_back(r);
  });
  if (!done) return std::unexpected(done.error());
  return out;
}

std::expected<int, core::StoreError> PgReportRollupStore::roll_store(const std::string& store,
                                                                     const std::string& timezone) {
  int days = 0;
  auto done = session_.run([&](soci::session& sql) {
    sql << "SELECT setia_report_roll_store(:s, :tz)", soci::use(store), soci::use(timezone), soci::into(days);
  });
  if (!done) return std::unexpected(done.error());
  return days;
}

std::expected<int, core::StoreError> PgReportRollupStore::roll_late() {
  int days = 0;
  auto done = session_.run([&](soci::session& sql) { sql << "SELECT setia_report_roll_late()", soci::into(days); });
  if (!done) return std::unexpected(done.error());
  return days;
}

}  // namespace setia::adapters::postgres
