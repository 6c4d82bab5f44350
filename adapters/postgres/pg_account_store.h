#pragma once

#include "adapters/postgres/pg_session.h"
#include "core/ports/account_store.h"

namespace setia::adapters::postgres {

// core::AccountStore on PostgreSQL (migrations/0006_auth.sql). Works on a
// session it is given, so that one worker's stores share one connection.
class PgAccountStore final : public core::AccountStore {
 public:
  explicit PgAccountStore(PgSession& session) : session_(session) {}

  // core::AccountStore
  std::expected<void, core::StoreError> set_password(long long member_id, const std::string& hash) override;
  std::expected<core::LoginFailures, core::StoreError> login_failures(const std::string& account,
                                                                      std::int64_t since) override;
  std::expected<void, core::StoreError> add_login_failure(const std::string& account, std::int64_t at,
                                                          std::int64_t forget_before) override;
  std::expected<void, core::StoreError> clear_login_failures(const std::string& account) override;
  std::expected<std::optional<std::string>, core::StoreError> password_hash(long long member_id) override;
  std::expected<std::vector<core::LoginCandidate>, core::StoreError> login_candidates(
      const std::string& login, const std::optional<std::string>& store_id) override;
  std::expected<long long, core::StoreError> insert_token(const core::NewToken& token) override;
  std::expected<std::optional<core::Principal>, core::StoreError> principal(const std::string& digest,
                                                                            std::int64_t now) override;
  std::expected<bool, core::StoreError> revoke_token(const std::string& digest) override;
  std::expected<void, core::StoreError> revoke_member_tokens(long long member_id, long long keep_token_id) override;
  std::expected<std::optional<core::Profile>, core::StoreError> profile(long long member_id) override;
  std::expected<core::Profile, PatchFailure> update_profile(long long member_id,
                                                           const core::ProfilePatch& patch) override;
  std::expected<void, core::StoreError> add_device(long long member_id, const std::string& token,
                                                   const std::string& platform) override;
  std::expected<bool, core::StoreError> remove_device(long long member_id, const std::string& token) override;

 private:
  PgSession& session_;
};

// The columns of a core::Profile, for SELECTs of members (aliased m), and
// how to read them from a row; shared with PgMemberDirectory.
extern const char* const kProfileColumns;
core::Profile profile_from_row(const soci::row& r, std::size_t first = 0);

}  // namespace setia::adapters::postgres
