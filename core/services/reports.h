#pragma once

#include <expected>
#include <optional>
#include <string>
#include <vector>

#include "core/ports/clock.h"
#include "core/ports/report_queries.h"
#include "core/services/rules_source.h"
#include "core/services/service_error.h"

namespace setia::core {

// The owner's day at a glance (the console's first page): the day, the
// month to that day, and last month to the same day, each a SalesPeriod
// summed from its days; the days of both months for a chart; this month's
// best products; the store's members.
struct Dashboard {
  std::string store, timezone;
  std::string date;                                  // the day, YYYY-MM-DD (store-local)
  std::string month_from, last_month_from, last_month_to;
  SalesPeriod today, month, last_month;              // period: the range they cover
  std::vector<SalesPeriod> month_days, last_month_days;
  std::vector<TopProduct> top_products;
  long long members = 0;
};

// Adds `p`'s counts and sums to `total`'s.
void add_to(SalesPeriod& total, const SalesPeriod& p);

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

  // The dashboard of `date` (YYYY-MM-DD; none: today in the store's zone).
  std::expected<Dashboard, ServiceError> dashboard(const std::string& store_id, const std::optional<std::string>& date);

  // The store's IANA zone name, "UTC" without rules.
  std::string timezone(const std::string& store_id) const;

 private:
  ReportQueries& q_;
  RulesSource rules_;
  const Clock& clock_;
};

}  // namespace setia::core
