#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <vector>

#include "core/domain/money.h"
#include "core/domain/voucher.h"
#include "core/ports/account_store.h"
#include "core/ports/page.h"
#include "core/ports/store_error.h"

namespace setia::core {

// Read models for the apps and the admins: what was recorded, shaped for
// reading. Times are unix seconds; the caller shows them in the store's
// zone. Each call is one statement. Not thread-safe: one per thread.

// A sale in a member's history.
struct TransactionSummary {
  long long id = 0;
  std::string store_id;
  std::string receipt_no;
  std::int64_t at = 0;  // occurred_at
  domain::Money total = 0;
  domain::Points points_earned = 0;
  long long items = 0;  // pieces bought
};

// A sale as its e-nota shows it.
struct Transaction {
  TransactionSummary summary;
  std::optional<long long> member_id;
  std::optional<std::string> member_code, table, service, customer, cashier, payment_method;
  struct Line {
    std::string sku, name, category;
    long long qty = 0;
    domain::Money unit_price = 0, amount = 0;
  };
  std::vector<Line> lines;
  domain::Money subtotal = 0, discount = 0, service_charge = 0, tax = 0;
  std::optional<domain::Money> paid, change;
  struct VoucherUse {
    std::string code;
    bool redeemed = false;
    domain::Money discount = 0;
    std::optional<std::string> reason;
  };
  std::vector<VoucherUse> vouchers;
  domain::Points points_reversed = 0;  // by refunds
  domain::Money refunded = 0;
};

struct NotificationRow {
  long long id = 0;
  std::string store_id;
  std::string kind;
  std::string data_json;
  std::int64_t at = 0;
  std::string lang = "id";
  std::string member_name;
};

// A voucher with its times as instants, for showing in the store's zone.
struct VoucherRow {
  domain::Voucher voucher;
  std::int64_t valid_from = 0, valid_until = 0, created_at = 0;  // unix seconds
};

struct DeadLetterRow {
  long long id = 0;
  std::optional<std::string> store_id, event_id;
  std::string topic, reason, detail;
  std::string payload;  // as received (bytes)
  std::int64_t at = 0;
  std::optional<std::int64_t> replayed_at;
  std::optional<std::string> replay_result;  // JSON
};

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
};

struct SalesReportQuery {
  std::string store_id;
  std::string timezone;  // IANA name: periods are the store's days
  std::string from, to;  // YYYY-MM-DD, inclusive
  bool by_month = false;
};

// A member's recency, frequency and spend.
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

class CrmQueries {
 public:
  virtual ~CrmQueries() = default;

  // A member's sales, newest first (cursor: at, id).
  virtual std::expected<Page<TransactionSummary>, StoreError> member_transactions(long long member_id,
                                                                                  const PageRequest& page) = 0;
  // One sale, only when it is the member's (member_id) or in the store
  // (store_id); none otherwise, whether or not it exists.
  virtual std::expected<std::optional<Transaction>, StoreError> transaction(long long sale_id,
                                                                            std::optional<long long> member_id,
                                                                            std::optional<std::string> store_id) = 0;
  // Newest first (cursor: id).
  virtual std::expected<Page<NotificationRow>, StoreError> notifications(long long member_id, const PageRequest& page) = 0;
  // Newest first (cursor: id).
  virtual std::expected<Page<VoucherRow>, StoreError> member_vouchers(long long member_id, const PageRequest& page) = 0;
  // The member's own voucher by code as typed (any case, dashes or not).
  virtual std::expected<std::optional<VoucherRow>, StoreError> member_voucher(long long member_id,
                                                                              const std::string& code) = 0;

  // Admins. `store_id` none: every store.
  virtual std::expected<std::optional<Profile>, StoreError> find_member(const std::optional<std::string>& store_id,
                                                                        const std::string& id_or_code) = 0;
  // Name, code, phone or email containing `q` (any case); by id (cursor: id).
  virtual std::expected<Page<Profile>, StoreError> search_members(const std::optional<std::string>& store_id,
                                                                  const std::string& q, const PageRequest& page) = 0;
  // Newest first (cursor: id).
  virtual std::expected<Page<DeadLetterRow>, StoreError> dead_letters(const std::optional<std::string>& store_id,
                                                                      const PageRequest& page) = 0;
  virtual std::expected<std::optional<DeadLetterRow>, StoreError> dead_letter(long long id,
                                                                              const std::optional<std::string>& store_id) = 0;
  // Forgets the rejected claim of (store, event_id), so that a replay is
  // decided again; an applied claim is never touched.
  virtual std::expected<void, StoreError> release_rejected_claim(const std::string& store_id,
                                                                 const std::string& event_id) = 0;
  virtual std::expected<void, StoreError> mark_replayed(long long id, const std::string& result_json) = 0;

  virtual std::expected<std::vector<SalesPeriod>, StoreError> sales_report(const SalesReportQuery& q) = 0;
  virtual std::expected<CustomersReport, StoreError> customers_report(const CustomersQuery& q) = 0;
  // Every member's recency, frequency and spend, by spend (cursor: spend, id).
  virtual std::expected<Page<CustomerRow>, StoreError> customers(const std::string& store_id,
                                                                 const PageRequest& page) = 0;

  // Operations: outbox rows by status, dead letters in all, and a ping.
  virtual std::expected<std::vector<std::pair<std::string, long long>>, StoreError> outbox_backlog() = 0;
  virtual std::expected<long long, StoreError> dead_letter_total() = 0;
  virtual std::expected<void, StoreError> ping() = 0;
};

}  // namespace setia::core
