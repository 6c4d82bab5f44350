#pragma once

#include <expected>
#include <string>
#include <vector>

#include "core/ports/clock.h"
#include "core/ports/report_queries.h"
#include "core/services/rules_source.h"
#include "core/services/service_error.h"

namespace setia::core {

// What a store's admin reads about the business, in the store's time zone
// (its rule file's; UTC without one). One per thread.
class Reports {
 public:
  Reports(ReportQueries& queries, RulesSource rules, const Clock& clock)
      : q_(queries), rules_(std::move(rules)), clock_(clock) {}

  // Sales, members' share, points issued/redeemed/expired and vouchers
  // redeemed per store-local day or month from `from` to `to` (YYYY-MM-DD,
  // inclusive; at most 366 days by day, 10 years by month). by: day | month.
  std::expected<std::vector<SalesPeriod>, ServiceError> sales(const std::string& store_id, const std::string& from,
                                                              const std::string& to, const std::string& by);
  // Segments by recency, frequency and spend; the top customers; members
  // active in each of the last six months.
  std::expected<CustomersReport, ServiceError> customers(const std::string& store_id, int top);
  // Every member's recency, frequency and spend, by spend.
  std::expected<Page<CustomerRow>, ServiceError> customer_list(const std::string& store_id, const PageRequest& page);

  // The store's IANA zone name, "UTC" without rules.
  std::string timezone(const std::string& store_id) const;

 private:
  ReportQueries& q_;
  RulesSource rules_;
  const Clock& clock_;
};

}  // namespace setia::core
