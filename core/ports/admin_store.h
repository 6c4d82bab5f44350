#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <vector>

#include "core/ports/credential_store.h"
#include "core/ports/store_error.h"

namespace setia::core {

// An admin account (docs/admin-accounts.md).
struct AdminAccount {
  long long id = 0;
  std::optional<std::string> store_id;  // none: an operator of every store
  std::string login;                    // an email, lower case
  std::string name;
  AdminRole role = AdminRole::staff;
  std::optional<long long> points_limit;
  std::optional<std::int64_t> disabled_at;  // unix seconds
  std::int64_t created_at = 0;
  std::string created_by;
};

struct NewAdmin {
  std::optional<std::string> store_id;
  std::string login, name;
  AdminRole role = AdminRole::staff;
  std::string password_hash;
  std::optional<long long> points_limit;
  std::string created_by;
};

// What an owner may change of an account; unset fields stay.
struct AdminChange {
  std::optional<bool> disabled;
  std::optional<std::optional<long long>> points_limit;  // set to none: no adjustments
  std::optional<std::string> password_hash;
};

struct ApiKeyRow {
  long long id = 0;
  std::optional<std::string> store_id;
  std::string name;
  AdminRole role = AdminRole::staff;
  std::int64_t created_at = 0, expires_at = 0;
  std::string created_by;
};

// Admin accounts and API keys. Each call is one committed transaction. Not
// thread-safe: one per thread.
class AdminStore {
 public:
  virtual ~AdminStore() = default;
  // The new account's id; none when the login is taken.
  virtual std::expected<std::optional<long long>, StoreError> insert_admin(const NewAdmin& a) = 0;
  virtual std::expected<std::optional<AdminAccount>, StoreError> admin(long long id) = 0;
  // The account with this login and its password hash, disabled or not.
  virtual std::expected<std::optional<std::pair<AdminAccount, std::string>>, StoreError> admin_for_login(
      const std::string& login) = 0;
  // One store's accounts, or every account (store none), by id.
  virtual std::expected<std::vector<AdminAccount>, StoreError> admins(const std::optional<std::string>& store_id) = 0;
  // Applies `change`; false when there is no such account. Disabling an
  // account or changing its password ends its sessions (but `keep_token_id`).
  // Refused (false in `*last_owner`) when it would disable the store's last
  // enabled owner.
  virtual std::expected<bool, StoreError> change_admin(long long id, const AdminChange& change, long long keep_token_id,
                                                       bool* last_owner) = 0;
  virtual std::expected<std::vector<ApiKeyRow>, StoreError> api_keys(const std::optional<std::string>& store_id,
                                                                     std::int64_t now) = 0;
  // Deletes the key; false when there is none with this id (in `store_id`, when given).
  virtual std::expected<bool, StoreError> revoke_api_key(long long id, const std::optional<std::string>& store_id) = 0;
};

}  // namespace setia::core
