#pragma once

#include "adapters/postgres/pg_session.h"
#include "core/ports/birthday_store.h"

namespace setia::adapters::postgres {

// Every store that has members, sorted (for the default rule file "*"; the
// scheduled push store asks the same).
std::vector<std::string> read_member_stores(soci::session& sql);

// core::BirthdayStore over the functions of migrations/0009_birthday.sql,
// as 0021_accounts.sql gives them the birth date's notice.
class PgBirthdayStore final : public core::BirthdayStore {
 public:
  explicit PgBirthdayStore(std::string conninfo) : session_(std::move(conninfo)) {}

  // core::BirthdayStore
  std::expected<std::vector<std::string>, core::StoreError> member_stores() override;
  std::expected<std::vector<core::BirthdayCandidate>, core::StoreError> candidates(const std::string& store,
                                                                                   domain::LocalDate day,
                                                                                   std::int64_t set_before) override;
  std::expected<int, core::StoreError> give(const std::string& store, domain::LocalDate day, const std::string& title,
                                            const domain::VoucherTerms& terms,
                                            const std::vector<core::BirthdayGift>& gifts, std::int64_t now,
                                            std::int64_t set_before) override;

 private:
  PgSession session_;
};

}  // namespace setia::adapters::postgres
