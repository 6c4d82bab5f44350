#pragma once

#include "adapters/postgres/pg_session.h"
#include "core/ports/report_queries.h"

namespace setia::adapters::postgres {

// core::ReportQueries on PostgreSQL, computed in the store's time zone by
// PostgreSQL (AT TIME ZONE) so that a day is the shop's day. Works on a
// session it is given (one per worker thread).
class PgReportQueries final : public core::ReportQueries {
 public:
  explicit PgReportQueries(PgSession& session) : session_(session) {}

  // core::ReportQueries
  std::expected<std::vector<core::SalesPeriod>, core::StoreError> sales_report(
      const core::SalesReportQuery& q) override;
  std::expected<core::CustomersReport, core::StoreError> customers_report(const core::CustomersQuery& q) override;
  std::expected<core::Page<core::CustomerRow>, core::StoreError> customers(const std::string& store_id,
                                                                           const core::PageRequest& page) override;
  std::expected<std::vector<core::TopProduct>, core::StoreError> top_products(const core::SalesReportQuery& q,
                                                                              int limit) override;
  std::expected<long long, core::StoreError> member_count(const std::string& store_id) override;

 private:
  PgSession& session_;
};

}  // namespace setia::adapters::postgres
