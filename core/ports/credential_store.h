#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ports/store_error.h"

namespace setia::core {

// Who a bearer token speaks for.
enum class Role { member, admin };

// What an admin may do (docs/admin-accounts.md): an owner everything in
// their store and its admins; staff the day's work, points adjustments up
// to a limit; an operator everything in every store.
enum class AdminRole { staff, owner, operator_ };

inline std::string_view admin_role_name(AdminRole role) {
  switch (role) {
    case AdminRole::staff: return "staff";
    case AdminRole::owner: return "owner";
    case AdminRole::operator_: return "operator";
  }
  return "staff";
}

inline std::optional<AdminRole> admin_role_from(std::string_view name) {
  if (name == "staff") return AdminRole::staff;
  if (name == "owner") return AdminRole::owner;
  if (name == "operator") return AdminRole::operator_;
  return std::nullopt;
}

// How an admin's token came to be.
enum class TokenKind {
  token,    // a member's token, or an admin token of `setiactl admin token create` (until it expires)
  access,   // a member's short-lived token, renewed with its refresh token
  refresh,  // takes no API call: only POST /v1/auth/refresh, once
  session,  // an admin's login: their account decides what it may do
  apikey,   // a named machine credential, at most 90 days, with its own role
};

struct Principal {
  Role role = Role::member;
  long long token_id = 0;
  long long member_id = 0;  // a member
  std::string member_code;  // a member
  std::string store_id;     // a member's store; an admin's store, empty with all_stores
  bool all_stores = false;  // an admin of every store
  // Admins only.
  AdminRole admin_role = AdminRole::owner;
  TokenKind kind = TokenKind::token;
  long long admin_id = 0;                 // a session's account
  std::optional<long long> points_limit;  // staff: the largest adjustment either way; none: no adjustment
  std::string label;                      // an API key's name; a session's login
};

// A member who might be logging in, with their password hash.
struct LoginCandidate {
  long long member_id = 0;
  std::string member_code;
  std::string store_id;
  std::string password_hash;
};

struct NewToken {
  std::string digest;  // TokenMinter::digest of the token; the token itself is never stored
  Role role = Role::member;
  std::optional<long long> member_id;
  std::optional<std::string> store_id;  // an admin's store; none: every store
  std::int64_t expires_at = 0;          // unix seconds
  std::string label;                    // who asked for it (audit): "register", "login", "setiactl"; a key's name
  TokenKind kind = TokenKind::token;
  std::optional<long long> admin_id;    // a session
  std::optional<AdminRole> admin_role;  // an API key
  std::string created_by;               // an API key: who made it (audit)
  std::optional<long long> family_id;   // access and refresh tokens: the login they descend from
};

// What came of presenting a refresh token.
struct RefreshUse {
  enum class Status { ok, unknown, reused } status = Status::unknown;
  long long member_id = 0;
  std::string store_id;
  long long family_id = 0;
};

// What proves who a caller is: members' password hashes and the digests of
// bearer tokens. Each call is one committed transaction. Not thread-safe:
// one per thread.
class CredentialStore {
 public:
  virtual ~CredentialStore() = default;

  // Of member `member_id` of store `store_id`.
  virtual std::expected<void, StoreError> set_password(const std::string& store_id, long long member_id,
                                                       const std::string& hash) = 0;
  virtual std::expected<std::optional<std::string>, StoreError> password_hash(const std::string& store_id,
                                                                              long long member_id) = 0;
  // Members with a password whose email (any case) or phone (digits and +
  // only) is `login`, in `store_id` when given.
  virtual std::expected<std::vector<LoginCandidate>, StoreError> login_candidates(
      const std::string& login, const std::optional<std::string>& store_id) = 0;

  virtual std::expected<long long, StoreError> insert_token(const NewToken& token) = 0;
  // The unexpired token with this digest at `now` (unix seconds).
  virtual std::expected<std::optional<Principal>, StoreError> principal(const std::string& digest,
                                                                        std::int64_t now) = 0;
  virtual std::expected<bool, StoreError> revoke_token(const std::string& digest) = 0;
  // Every token of the member but `keep_token_id` and its family's (after a
  // password change; 0: every one).
  virtual std::expected<void, StoreError> revoke_member_tokens(long long member_id, long long keep_token_id) = 0;
  // A new family for a login's access and refresh tokens.
  virtual std::expected<long long, StoreError> new_token_family() = 0;
  // Marks the unexpired refresh token with this digest used: ok the first
  // time; reused after (and then every token of its family is gone);
  // unknown when there is none.
  virtual std::expected<RefreshUse, StoreError> use_refresh(const std::string& digest, std::int64_t now) = 0;
};

}  // namespace setia::core
