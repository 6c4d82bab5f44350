#pragma once

#include <nlohmann/json.hpp>

#include "adapters/postgres/pg_session.h"
#include "core/ports/member_history.h"

namespace setia::adapters::postgres {

// core::MemberHistory on PostgreSQL: a member's sales, e-nota,
// notifications and vouchers. Works on a session it is given (one per
// worker thread).
class PgMemberHistory final : public core::MemberHistory {
 public:
  explicit PgMemberHistory(PgSession& session) : session_(session) {}

  // core::MemberHistory
  std::expected<core::Page<core::TransactionSummary>, core::StoreError> member_transactions(
      const std::string& store_id, long long member_id, const core::PageRequest& page) override;
  std::expected<std::optional<core::Transaction>, core::StoreError> transaction(
      long long sale_id, std::optional<long long> member_id, std::optional<std::string> store_id) override;
  std::expected<core::Page<core::NotificationRow>, core::StoreError> notifications(
      const std::string& store_id, long long member_id, const core::PageRequest& page) override;
  std::expected<core::Page<core::VoucherRow>, core::StoreError> member_vouchers(const std::string& store_id,
                                                                                long long member_id,
                                                                                const core::PageRequest& page) override;
  std::expected<std::optional<core::VoucherRow>, core::StoreError> member_voucher(const std::string& store_id,
                                                                                  long long member_id,
                                                                                  const std::string& code) override;

 private:
  PgSession& session_;
};

// How a voucher and a sale are read, shared with PgMemberDataStore: the
// voucher columns (kVoucherFrom joins vouchers v, members m, sales s) as a
// json_rows object, and a sale with its lines and vouchers as one JSON
// value over sales s.
extern const char* const kVoucherColumns;
extern const char* const kVoucherFrom;
core::VoucherRow voucher_from_json(const nlohmann::json& row);
extern const char* const kTransactionJson;
core::Transaction transaction_from_json(const nlohmann::json& doc);

}  // namespace setia::adapters::postgres
