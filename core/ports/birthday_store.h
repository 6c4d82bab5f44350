#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <vector>

#include "core/domain/civil_date.h"
#include "core/domain/voucher_terms.h"
#include "core/ports/store_error.h"

namespace setia::core {

// A member of a store whose birthday is `day` and who has not had this
// year's gift yet.
struct BirthdayCandidate {
  long long member_id = 0;
  std::string name;
};

// One gift to give: the voucher's code (make_voucher_code) and the greeting
// with the member's name filled in, in both languages.
struct BirthdayGift {
  long long member_id = 0;
  std::string code;
  std::string message_id;
  std::string message_en;
};

// The birthday gifts' storage (migrations/0009_birthday.sql).
class BirthdayStore {
 public:
  virtual ~BirthdayStore() = default;
  // Every store that has members (for the default rule file "*").
  virtual std::expected<std::vector<std::string>, StoreError> member_stores() = 0;
  // Members of `store` celebrating on store-local `day` (29 February
  // birthdays on 28 February in other years) without `day.year`'s gift,
  // whose birth date was set before `set_before` (unix seconds; the
  // birthday section's notice_days).
  virtual std::expected<std::vector<BirthdayCandidate>, StoreError> candidates(const std::string& store,
                                                                               domain::LocalDate day,
                                                                               std::int64_t set_before) = 0;
  // Gives each of `gifts` in one transaction: the year's gift row (unique
  // per member and year), the voucher and the 'birthday' notification.
  // Members given already, no longer celebrating on `day`, or whose birth
  // date was set at or after `set_before` meanwhile, are skipped. Returns
  // how many were given.
  virtual std::expected<int, StoreError> give(const std::string& store, domain::LocalDate day, const std::string& title,
                                              const domain::VoucherTerms& terms, const std::vector<BirthdayGift>& gifts,
                                              std::int64_t now, std::int64_t set_before) = 0;
};

}  // namespace setia::core
