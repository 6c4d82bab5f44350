#pragma once

#include <cstdint>
#include <expected>
#include <functional>
#include <string>

#include "core/ports/voucher_store.h"
#include "core/services/members.h"

namespace setia::core {

// "V-8KD2-J6QW-4M7P": 12 characters of an alphabet without 0/O/1/I, that is
// 60 random bits (unguessable), in groups of four that are easy to type.
std::string make_voucher_code(std::uint64_t random);

// Issues, finds and voids vouchers; promos, rewards and birthday gifts issue
// through here too.
class Vouchers {
 public:
  Vouchers(VoucherStore& store, std::function<std::uint64_t()> random) : store_(store), random_(std::move(random)) {}

  std::expected<domain::Voucher, ServiceError> issue(NewVoucher v);
  std::expected<std::optional<domain::Voucher>, ServiceError> find(const std::string& code);
  std::expected<void, ServiceError> void_voucher(const std::string& code);

 private:
  VoucherStore& store_;
  std::function<std::uint64_t()> random_;
};

// Checks the terms a person typed: what is wrong, and what was expected.
std::optional<std::string> terms_problem(const domain::VoucherTerms& t);

}  // namespace setia::core
