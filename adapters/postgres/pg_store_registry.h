#pragma once

#include "adapters/postgres/pg_session.h"
#include "core/ports/store_registry.h"

namespace setia::adapters::postgres {

// core::StoreRegistry on PostgreSQL (the stores table, migration 0015).
// Works on a session it is given.
class PgStoreRegistry final : public core::StoreRegistry {
 public:
  explicit PgStoreRegistry(PgSession& session) : session_(session) {}

  std::expected<std::vector<core::StoreRecord>, core::StoreError> stores() override;
  std::expected<std::vector<core::StoreRecord>, core::StoreError> disabled_stores() override;
  std::expected<bool, core::StoreError> add(const std::string& store_id) override;
  std::expected<bool, core::StoreError> set_disabled(const std::string& store_id,
                                                     const std::optional<std::string>& reason) override;
  std::expected<long long, core::StoreError> revoke_admin_tokens(const std::string& store_id) override;

 private:
  std::expected<std::vector<core::StoreRecord>, core::StoreError> select(const std::string& where);

  PgSession& session_;
};

}  // namespace setia::adapters::postgres
