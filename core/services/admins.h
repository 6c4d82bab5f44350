#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <vector>

#include "core/ports/admin_store.h"
#include "core/ports/clock.h"
#include "core/ports/credential_store.h"
#include "core/services/auth.h"
#include "core/services/service_error.h"

namespace setia::core {

struct AdminsOptions {
  std::chrono::seconds session_ttl{std::chrono::hours(12)};  // a login lasts a working day
  int max_key_days = 90;
};

// An admin logged in.
struct AdminSession {
  std::string token;
  std::int64_t expires_at = 0;
  AdminAccount account;
};

struct AdminRequest {
  std::optional<std::string> store_id;  // an operator names it; an owner's own store otherwise
  std::string login, name, role, password;
  std::optional<long long> points_limit;
};

struct AdminPatch {
  std::optional<bool> disabled;
  std::optional<std::optional<long long>> points_limit;
  std::optional<std::string> password;  // set by an owner for one of their staff who forgot theirs
};

struct ApiKeyRequest {
  std::optional<std::string> store_id;
  std::string name, role;
  int days = 90;
};

struct IssuedApiKey {
  std::string key;  // shown once
  ApiKeyRow row;
};

// The people who run a store's programme and their machines' keys
// (docs/admin-accounts.md): logins (argon2id, the members' throttle), and
// what an owner (or an operator) may do to the accounts and keys of a
// store. Each call says what `who` may not do with a 403 and a reason.
// One per thread, like Auth.
class Admins {
 public:
  Admins(AdminStore& admins, CredentialStore& credentials, Auth& auth, PasswordHasher& hasher, TokenMinter& tokens,
         const Clock& clock, AdminsOptions options = {})
      : admins_(admins),
        credentials_(credentials),
        auth_(auth),
        hasher_(hasher),
        tokens_(tokens),
        clock_(clock),
        options_(options) {}

  std::expected<AdminSession, ServiceError> login(const std::string& login, const std::string& password,
                                                  const std::string& address);
  // The admin's own password: the current one proves it is them; their
  // other sessions end.
  std::expected<void, ServiceError> change_own_password(const Principal& who, const std::string& current,
                                                        const std::string& fresh, const std::string& address);
  std::expected<AdminAccount, ServiceError> add(const Principal& who, const AdminRequest& r, const std::string& actor);
  std::expected<std::vector<AdminAccount>, ServiceError> list(const Principal& who,
                                                              const std::optional<std::string>& store_id);
  std::expected<AdminAccount, ServiceError> change(const Principal& who, long long id, const AdminPatch& p);
  std::expected<IssuedApiKey, ServiceError> create_key(const Principal& who, const ApiKeyRequest& r,
                                                       const std::string& actor);
  std::expected<std::vector<ApiKeyRow>, ServiceError> keys(const Principal& who,
                                                           const std::optional<std::string>& store_id);
  std::expected<void, ServiceError> revoke_key(const Principal& who, long long id);

 private:
  // The store `who` acts on: their own, or for an operator the one named.
  std::expected<std::optional<std::string>, ServiceError> store_of(const Principal& who,
                                                                   const std::optional<std::string>& named,
                                                                   bool required);
  // The role `who` grants to a new account or key, and its store: owners
  // grant owner and staff in their store, operators any role (operator:
  // every store, none named).
  std::expected<std::pair<AdminRole, std::optional<std::string>>, ServiceError> grant(
      const Principal& who, const std::string& role, const std::optional<std::string>& named);
  std::int64_t now() const;

  AdminStore& admins_;
  CredentialStore& credentials_;
  Auth& auth_;
  PasswordHasher& hasher_;
  TokenMinter& tokens_;
  const Clock& clock_;
  AdminsOptions options_;
};

// Whether `who` (an admin) may manage accounts and keys: owners and
// operators.
bool manages_admins(const Principal& who);

}  // namespace setia::core
