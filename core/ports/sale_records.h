#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <vector>

#include "core/domain/money.h"
#include "core/ports/store_error.h"

namespace setia::core {

// A recorded member sale as the rules read it: `sale_json` in the shape
// of a refund plan's sale ({store_id, receipt_no, occurred_at, subtotal,
// total, items}; core::sale_from_plan), with the points it really earned.
struct RecordedSale {
  std::string sale_json;
  domain::Points points_earned = 0;
};

// Recorded sales found again by what operators know of them: a receipt
// (setiactl sale show, then MemberHistory::transaction for the e-nota record)
// and a period (setiactl rules backtest). Each call is one statement.
class SaleRecords {
 public:
  virtual ~SaleRecords() = default;
  virtual std::expected<std::optional<long long>, StoreError> sale_id(const std::string& store_id,
                                                                      const std::string& receipt_no) = 0;
  // Every sale with a member that occurred at or after `since` (unix
  // seconds), oldest first.
  virtual std::expected<std::vector<RecordedSale>, StoreError> member_sales_since(std::int64_t since) = 0;
  // The same, of one store (the console's backtest of a rule change).
  virtual std::expected<std::vector<RecordedSale>, StoreError> member_sales_of_store_since(const std::string& store_id,
                                                                                           std::int64_t since) = 0;
};

}  // namespace setia::core
