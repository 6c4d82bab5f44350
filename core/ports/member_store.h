#pragma once

#include <expected>
#include <optional>
#include <string>

#include "core/domain/member.h"
#include "core/ports/store_error.h"

namespace setia::core {

// Members as kept by the CRM store.
class MemberStore {
 public:
  enum class InsertError { code_taken, phone_taken, email_taken };
  using InsertFailure = WriteFailure<InsertError>;
  virtual ~MemberStore() = default;
  // Inserts the member and, when given, their password hash in one
  // transaction: a registration never leaves a member who cannot log in.
  virtual std::expected<domain::Member, InsertFailure> insert(const domain::Member& m,
                                                              const std::optional<std::string>& password_hash) = 0;
  virtual std::expected<std::optional<domain::Member>, StoreError> find_by_code(const std::string& code) = 0;
};

}  // namespace setia::core
