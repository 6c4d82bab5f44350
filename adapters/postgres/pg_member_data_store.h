#pragma once

#include "adapters/postgres/pg_session.h"
#include "core/ports/member_data_store.h"

namespace setia::adapters::postgres {

// core::MemberDataStore on PostgreSQL: a member's data read in one
// snapshot, and setia_erase_member (migrations/0019_privacy.sql). Works on
// a session it is given (one per worker thread, or setiactl's).
class PgMemberDataStore final : public core::MemberDataStore {
 public:
  explicit PgMemberDataStore(PgSession& session) : session_(session) {}

  // core::MemberDataStore
  std::expected<std::optional<core::MemberData>, core::StoreError> member_data(const std::string& store_id,
                                                                               long long member_id) override;
  std::expected<std::optional<core::ErasureRecord>, core::StoreError> erase(
      const core::ErasureRequest& request) override;

 private:
  PgSession& session_;
};

}  // namespace setia::adapters::postgres
