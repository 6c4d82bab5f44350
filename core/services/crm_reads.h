#pragma once

#include <expected>
#include <optional>
#include <string>

#include "core/ports/dead_letter_store.h"
#include "core/ports/member_directory.h"
#include "core/ports/member_history.h"
#include "core/services/service_error.h"

namespace setia::core {

// The read side of the CRM for the apps and the admins: a member's
// transactions, notifications and vouchers; members and dead letters for
// admins. A missing row, or one outside the caller's scope, is not_found
// (the same answer, so that ids cannot be probed). One per thread.
class CrmReads {
 public:
  CrmReads(MemberHistory& history, MemberDirectory& directory, DeadLetterStore& dead_letters)
      : history_(history), directory_(directory), dead_letters_(dead_letters) {}

  // A member's rows, in the member's store (`store_id`).
  std::expected<Page<TransactionSummary>, ServiceError> transactions(const std::string& store_id, long long member_id,
                                                                     const PageRequest& page);
  std::expected<Transaction, ServiceError> transaction(long long sale_id, std::optional<long long> member_id,
                                                       std::optional<std::string> store_id);
  std::expected<Page<NotificationRow>, ServiceError> notifications(const std::string& store_id, long long member_id,
                                                                   const PageRequest& page);
  std::expected<Page<VoucherRow>, ServiceError> vouchers(const std::string& store_id, long long member_id,
                                                         const PageRequest& page);
  std::expected<VoucherRow, ServiceError> voucher(const std::string& store_id, long long member_id,
                                                  const std::string& code);

  std::expected<Profile, ServiceError> member(const std::optional<std::string>& store_id,
                                              const std::string& id_or_code);
  std::expected<Page<Profile>, ServiceError> search_members(const std::optional<std::string>& store_id,
                                                            const std::string& q, const PageRequest& page);
  std::expected<Page<DeadLetterRow>, ServiceError> dead_letters(const std::optional<std::string>& store_id,
                                                                const PageRequest& page);

 private:
  MemberHistory& history_;
  MemberDirectory& directory_;
  DeadLetterStore& dead_letters_;
};

}  // namespace setia::core
