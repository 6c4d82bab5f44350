#pragma once

#include "adapters/postgres/pg_session.h"
#include "core/ports/member_directory.h"

namespace setia::adapters::postgres {

// core::MemberDirectory on PostgreSQL. Works on a session it is given (one
// per worker thread).
class PgMemberDirectory final : public core::MemberDirectory {
 public:
  explicit PgMemberDirectory(PgSession& session) : session_(session) {}

  // core::MemberDirectory
  std::expected<std::optional<core::Profile>, core::StoreError> find_member(const std::optional<std::string>& store_id,
                                                                            const std::string& id_or_code) override;
  std::expected<core::Page<core::Profile>, core::StoreError> search_members(const std::optional<std::string>& store_id,
                                                                            const std::string& q,
                                                                            const core::PageRequest& page) override;

 private:
  PgSession& session_;
};

}  // namespace setia::adapters::postgres
