#include "core/services/crm_reads.h"

namespace setia::core {
namespace {

using Kind = ServiceError::Kind;

// A store answer as a service answer: a store error is `unavailable`, an
// absent row `not_found` with `what` in the message.
template <class T>
std::expected<T, ServiceError> present(std::expected<std::optional<T>, StoreError>&& r, const std::string& what) {
  if (!r) return std::unexpected(ServiceError{Kind::unavailable, r.error().message});
  if (!*r) return std::unexpected(ServiceError{Kind::not_found, "no such " + what, "no_such_" + what});
  return std::move(**r);
}

template <class T>
std::expected<T, ServiceError> value(std::expected<T, StoreError>&& r) {
  if (!r) return std::unexpected(ServiceError{Kind::unavailable, r.error().message});
  return std::move(*r);
}

}  // namespace

std::expected<Page<TransactionSummary>, ServiceError> CrmReads::transactions(const std::string& store_id,
                                                                             long long member_id,
                                                                             const PageRequest& page) {
  return value(history_.member_transactions(store_id, member_id, page));
}

std::expected<Transaction, ServiceError> CrmReads::transaction(long long sale_id, std::optional<long long> member_id,
                                                               std::optional<std::string> store_id) {
  return present(history_.transaction(sale_id, member_id, std::move(store_id)), "transaction");
}

std::expected<Page<NotificationRow>, ServiceError> CrmReads::notifications(const std::string& store_id,
                                                                           long long member_id,
                                                                           const PageRequest& page) {
  return value(history_.notifications(store_id, member_id, page));
}

std::expected<Page<VoucherRow>, ServiceError> CrmReads::vouchers(const std::string& store_id, long long member_id,
                                                                 const PageRequest& page) {
  return value(history_.member_vouchers(store_id, member_id, page));
}

std::expected<VoucherRow, ServiceError> CrmReads::voucher(const std::string& store_id, long long member_id,
                                                          const std::string& code) {
  return present(history_.member_voucher(store_id, member_id, code), "voucher");
}

std::expected<Profile, ServiceError> CrmReads::member(const std::optional<std::string>& store_id,
                                                      const std::string& id_or_code) {
  return present(directory_.find_member(store_id, id_or_code), "member");
}

std::expected<Page<Profile>, ServiceError> CrmReads::search_members(const std::optional<std::string>& store_id,
                                                                    const std::string& q, const PageRequest& page) {
  if (q.size() > 100) return std::unexpected(ServiceError{Kind::invalid, "q must be at most 100 characters"});
  return value(directory_.search_members(store_id, q, page));
}

std::expected<Page<DeadLetterRow>, ServiceError> CrmReads::dead_letters(const std::optional<std::string>& store_id,
                                                                        const PageRequest& page) {
  return value(dead_letters_.dead_letters(store_id, page));
}

}  // namespace setia::core
