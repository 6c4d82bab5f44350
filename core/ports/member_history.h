#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <vector>

#include "core/domain/money.h"
#include "core/domain/voucher.h"
#include "core/ports/page.h"
#include "core/ports/store_error.h"

namespace setia::core {

// What was recorded for one member, shaped for reading: their sales (and a
// sale's e-nota), notifications and vouchers. Read by the member in the app
// and by the store's admins. Times are unix seconds; the caller shows them
// in the store's zone. Each call is one statement. Not thread-safe: one per
// thread.

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

class MemberHistory {
 public:
  virtual ~MemberHistory() = default;

  // A member's rows are read in the member's store (`store_id`): a member
  // id of another store has none.
  // A member's sales, newest first (cursor: at, id).
  virtual std::expected<Page<TransactionSummary>, StoreError> member_transactions(const std::string& store_id,
                                                                                  long long member_id,
                                                                                  const PageRequest& page) = 0;
  // One sale, only when it is the member's (member_id) or in the store
  // (store_id); none otherwise, whether or not it exists.
  virtual std::expected<std::optional<Transaction>, StoreError> transaction(long long sale_id,
                                                                            std::optional<long long> member_id,
                                                                            std::optional<std::string> store_id) = 0;
  // Newest first (cursor: id).
  virtual std::expected<Page<NotificationRow>, StoreError> notifications(const std::string& store_id,
                                                                         long long member_id,
                                                                         const PageRequest& page) = 0;
  // Newest first (cursor: id).
  virtual std::expected<Page<VoucherRow>, StoreError> member_vouchers(const std::string& store_id, long long member_id,
                                                                      const PageRequest& page) = 0;
  // The member's own voucher by code as typed (any case, dashes or not).
  virtual std::expected<std::optional<VoucherRow>, StoreError> member_voucher(const std::string& store_id,
                                                                              long long member_id,
                                                                              const std::string& code) = 0;
};

}  // namespace setia::core
