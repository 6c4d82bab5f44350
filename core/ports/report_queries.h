#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/domain/money.h"
#include "core/ports/page.h"
#include "core/ports/store_error.h"

namespace setia::core {

// The admins' reports of a store: sales by period and its customers'
// recency, frequency and spend, counted in the store's calendar. Times are
// unix seconds. Each call is one statement. Not thread-safe: one per thread.

// One period of the sales report, in the store's calendar.
struct SalesPeriod {
  std::string period;  // YYYY-MM-DD or YYYY-MM
  long long sales = 0;
  domain::Money amount = 0;
  long long member_sales = 0;
  domain::Money member_amount = 0;
  domain::Points points_issued = 0, points_redeemed = 0, points_expired = 0;  // earned, spent on rewards, expired
  domain::Points points_reversed = 0;  // taken back by refunds
  domain::Points points_adjusted = 0;  // admins' corrections, net
  long long vouchers_redeemed = 0;
  domain::Money voucher_discount = 0;
  // Refunds counted on their own day (the refund's occurred_at), not on
  // their sale's: a period's net takings are amount - refunded.
  long long refunds = 0;
  domain::Money refunded = 0;
  domain::Money member_refunded = 0;  // of members' sales
  long long new_members = 0;          // who joined in the period
  long long promo_claims = 0;
};

// A product's sales in a period, by the name on the receipt.
struct TopProduct {
  std::string name;
  std::string sku;  // one of its SKUs; empty when none was sent
  long long qty = 0;
  domain::Money amount = 0;
};

struct SalesReportQuery {
  std::string store_id;
  std::string timezone;  // IANA name: periods are the store's days
  std::string from, to;  // YYYY-MM-DD, inclusive
  bool by_month = false;
};

// A member's recency, frequency and spend (what they paid less what was
// refunded).
struct CustomerRow {
  long long member_id = 0;
  std::string code, name;
  std::optional<std::int64_t> last_purchase;  // unix seconds
  long long purchases = 0;
  domain::Money spend = 0;
  domain::Points points = 0;
};

struct CustomersReport {
  long long members = 0;
  long long buyers = 0;  // with at least one purchase
  using Buckets = std::vector<std::pair<std::string, long long>>;  // label -> members
  Buckets recency;    // days since the last purchase: 0-30, 31-90, 91-180, 181+, never
  Buckets frequency;  // purchases: 0, 1, 2-4, 5-9, 10+
  Buckets spend;      // rupiah in all: 0, 1-99999, 100000-499999, 500000-1999999, 2000000+
  std::vector<CustomerRow> top;  // by spend
  Buckets active_by_month;       // YYYY-MM (store-local), the last six months, oldest first -> members who bought
};

struct CustomersQuery {
  std::string store_id;
  std::string timezone;
  std::int64_t now = 0;
  int top = 10;
};

class ReportQueries {
 public:
  virtual ~ReportQueries() = default;

  virtual std::expected<std::vector<SalesPeriod>, StoreError> sales_report(const SalesReportQuery& q) = 0;
  virtual std::expected<CustomersReport, StoreError> customers_report(const CustomersQuery& q) = 0;
  // Every member's recency, frequency and spend, by spend (cursor: spend, id).
  virtual std::expected<Page<CustomerRow>, StoreError> customers(const std::string& store_id,
                                                                 const PageRequest& page) = 0;
  // The products that sold for the most money from q.from to q.to.
  virtual std::expected<std::vector<TopProduct>, StoreError> top_products(const SalesReportQuery& q, int limit) = 0;
  // The store's members (not erased).
  virtual std::expected<long long, StoreError> member_count(const std::string& store_id) = 0;
};

}  // namespace setia::core
