#pragma once

// The admins' reports from a script: the sales periods and the customers
// report answered as set, the customer list paged by spend as the Pg
// query pages it. Records the queries it was asked.

#include <algorithm>
#include <string>
#include <vector>

#include "core/ports/report_queries.h"
#include "tests/fakes/keyset_page.h"

namespace setia::core::fakes {

class FakeReportQueries final : public ReportQueries {
 public:
  std::vector<SalesPeriod> periods;
  CustomersReport report;
  std::vector<CustomerRow> customer_rows;  // any order
  std::vector<SalesReportQuery> sales_asked;
  std::vector<TopProduct> products;
  long long members = 0;

  std::expected<std::vector<SalesPeriod>, StoreError> sales_report(const SalesReportQuery& q) override {
    sales_asked.push_back(q);
    return periods;
  }
  std::expected<CustomersReport, StoreError> customers_report(const CustomersQuery& q) override {
    CustomersReport r = report;
    if (static_cast<int>(r.top.size()) > q.top) r.top.resize(static_cast<std::size_t>(q.top));
    return r;
  }
  std::expected<Page<CustomerRow>, StoreError> customers(const std::string&, const PageRequest& page) override {
    std::vector<CustomerRow> rows = customer_rows;
    std::sort(rows.begin(), rows.end(), [](const auto& x, const auto& y) {
      return std::pair(x.spend, x.member_id) > std::pair(y.spend, y.member_id);
    });
    return keyset_page(rows, page, [](const CustomerRow& c) { return Cursor{c.spend, c.member_id}; });
  }
  std::expected<std::vector<TopProduct>, StoreError> top_products(const SalesReportQuery&, int limit) override {
    std::vector<TopProduct> out = products;
    if (static_cast<int>(out.size()) > limit) out.resize(static_cast<std::size_t>(limit));
    return out;
  }
  std::expected<long long, StoreError> member_count(const std::string&) override { return members; }
};

}  // namespace setia::core::fakes
