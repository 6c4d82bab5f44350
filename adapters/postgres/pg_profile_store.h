#pragma once

#include "adapters/postgres/pg_session.h"
#include "core/ports/profile_store.h"

namespace setia::adapters::postgres {

// core::ProfileStore on PostgreSQL (members). Works on a session it is
// given, so that one worker's stores share one connection.
class PgProfileStore final : public core::ProfileStore {
 public:
  explicit PgProfileStore(PgSession& session) : session_(session) {}

  // core::ProfileStore
  std::expected<std::optional<core::Profile>, core::StoreError> profile(const std::string& store_id,
                                                                        long long member_id) override;
  std::expected<core::Profile, PatchFailure> update_profile(const std::string& store_id, long long member_id,
                                                            const core::ProfilePatch& patch) override;

 private:
  PgSession& session_;
};

// The columns of a core::Profile, for SELECTs of members (aliased m), and
// how to read them from a row; shared with PgMemberDirectory.
extern const char* const kProfileColumns;
core::Profile profile_from_row(const soci::row& r, std::size_t first = 0);

}  // namespace setia::adapters::postgres
