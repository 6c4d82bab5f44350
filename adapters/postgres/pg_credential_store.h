#pragma once

#include "adapters/postgres/pg_session.h"
#include "core/ports/credential_store.h"

namespace setia::adapters::postgres {

// core::CredentialStore on PostgreSQL (member_credentials and api_tokens,
// migrations/0006_auth.sql). Works on a session it is given, so that one
// worker's stores share one connection.
class PgCredentialStore final : public core::CredentialStore {
 public:
  explicit PgCredentialStore(PgSession& session) : session_(session) {}

  // core::CredentialStore
  std::expected<void, core::StoreError> set_password(const std::string& store_id, long long member_id,
                                                     const std::string& hash) override;
  std::expected<std::optional<std::string>, core::StoreError> password_hash(const std::string& store_id,
                                                                            long long member_id) override;
  std::expected<std::vector<core::LoginCandidate>, core::StoreError> login_candidates(
      const std::string& login, const std::optional<std::string>& store_id) override;
  std::expected<long long, core::StoreError> insert_token(const core::NewToken& token) override;
  std::expected<std::optional<core::Principal>, core::StoreError> principal(const std::string& digest,
                                                                            std::int64_t now) override;
  std::expected<bool, core::StoreError> revoke_token(const std::string& digest) override;
  std::expected<void, core::StoreError> revoke_member_tokens(long long member_id, long long keep_token_id) override;
  std::expected<long long, core::StoreError> new_token_family() override;
  std::expected<core::RefreshUse, core::StoreError> use_refresh(const std::string& digest, std::int64_t now) override;

 private:
  PgSession& session_;
};

}  // namespace setia::adapters::postgres
