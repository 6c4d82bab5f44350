#pragma once

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
      long long member_id, const core::PageRequest& page) override;
  std::expected<std::optional<core::Transaction>, core::StoreError> transaction(
      long long sale_id, std::optional<long long> member_id, std::optional<std::string> store_id) override;
  std::expected<core::Page<core::NotificationRow>, core::StoreError> notifications(
      long long member_id, const core::PageRequest& page) override;
  std::expected<core::Page<core::VoucherRow>, core::StoreError> member_vouchers(long long member_id,
                                                                                const core::PageRequest& page) override;
  std::expected<std::optional<core::VoucherRow>, core::StoreError> member_voucher(long long member_id,
                                                                                  const std::string& code) override;

 private:
  PgSession& session_;
};

}  // namespace setia::adapters::postgres
