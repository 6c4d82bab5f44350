#pragma once

#include "adapters/postgres/pg_session.h"
#include "core/ports/admin_store.h"

namespace setia::adapters::postgres {

// core::AdminStore on PostgreSQL (admins, and api_tokens of kind 'apikey':
// migrations/0017_admin_accounts.sql). Works on a session it is given.
class PgAdminStore final : public core::AdminStore {
 public:
  explicit PgAdminStore(PgSession& session) : session_(session) {}

  std::expected<std::optional<long long>, core::StoreError> insert_admin(const core::NewAdmin& a) override;
  std::expected<std::optional<core::AdminAccount>, core::StoreError> admin(long long id) override;
  std::expected<std::optional<std::pair<core::AdminAccount, std::string>>, core::StoreError> admin_for_login(
      const std::string& login) override;
  std::expected<std::vector<core::AdminAccount>, core::StoreError> admins(
      const std::optional<std::string>& store_id) override;
  std::expected<bool, core::StoreError> change_admin(long long id, const core::AdminChange& change,
                                                     long long keep_token_id, bool* last_owner) override;
  std::expected<std::vector<core::ApiKeyRow>, core::StoreError> api_keys(const std::optional<std::string>& store_id,
                                                                         std::int64_t now) override;
  std::expected<bool, core::StoreError> revoke_api_key(long long id,
                                                       const std::optional<std::string>& store_id) override;

 private:
  PgSession& session_;
};

}  // namespace setia::adapters::postgres
