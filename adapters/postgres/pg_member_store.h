#pragma once

#include "adapters/postgres/pg_session.h"
#include "core/ports/member_store.h"

namespace setia::adapters::postgres {

class PgMemberStore final : public core::MemberStore {
 public:
  explicit PgMemberStore(std::string conninfo) : session_(std::move(conninfo)) {}

  // core::MemberStore
  std::expected<domain::Member, InsertFailure> insert(const domain::Member& m,
                                                      const std::optional<std::string>& password_hash) override;
  std::expected<std::optional<domain::Member>, core::StoreError> find_by_code(const std::string& code) override;

 private:
  PgSession session_;
};

}  // namespace setia::adapters::postgres
