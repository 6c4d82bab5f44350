#pragma once

#include <expected>
#include <optional>
#include <string>

#include "core/domain/voucher.h"
#include "core/ports/store_error.h"

namespace setia::core {

struct NewVoucher {
  std::string code;
  std::string store_id;
  std::optional<std::string> member_code;
  std::string title;
  domain::VoucherTerms terms;
  std::string source = "admin";
  std::optional<std::string> source_id;
};

class VoucherStore {
 public:
  enum class InsertError { code_taken, no_such_member };
  using InsertFailure = WriteFailure<InsertError>;
  virtual ~VoucherStore() = default;
  virtual std::expected<domain::Voucher, InsertFailure> insert(const NewVoucher& v) = 0;
  // By code as typed (the store normalizes case and dashes).
  virtual std::expected<std::optional<domain::Voucher>, StoreError> find(const std::string& code) = 0;
  // Active -> void; false when it was not active.
  virtual std::expected<bool, StoreError> void_voucher(const std::string& code) = 0;
};

}  // namespace setia::core
