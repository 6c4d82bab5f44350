#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <vector>

#include "core/domain/member.h"
#include "core/ports/store_error.h"

namespace setia::core {

// Who a bearer token speaks for.
enum class Role { member, admin };

struct Principal {
  Role role = Role::member;
  long long token_id = 0;
  long long member_id = 0;  // a member
  std::string member_code;  // a member
  std::string store_id;     // a member's store; an admin's store, empty with all_stores
  bool all_stores = false;  // an admin of every store
};

// A member's account: the profile and what only the member sees of it.
struct Profile {
  domain::Member member;
  std::string lang = "id";  // id | en: the language of their notifications
  bool promo_pushes = true;  // promo announcements wanted (marketing: their consent)
  std::int64_t created_at = 0;  // unix seconds
};

// Fields to change; absent ones stay. Validated by core::Profiles.
struct ProfilePatch {
  std::optional<std::string> name, email, phone, birth_date, lang;
  std::optional<bool> promo_pushes;
  // A member's own change: a birth date may be set once (while it is
  // empty); an admin corrects it any time.
  bool lock_birth_date = false;
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
  std::string label;                    // who asked for it (audit): "register", "login", "setiactl"
};

// Wrong passwords for one login within a window (Auth's per-login limit).
struct LoginFailures {
  int count = 0;
  std::int64_t oldest = 0;  // unix seconds of the oldest counted, when count > 0
};

// Accounts, passwords, tokens and devices. Each call is one committed
// transaction. Not thread-safe: one per thread.
class AccountStore {
 public:
  enum class PatchError { no_such_member, phone_taken, email_taken, birth_date_locked };
  using PatchFailure = WriteFailure<PatchError>;
  virtual ~AccountStore() = default;

  virtual std::expected<void, StoreError> set_password(long long member_id, const std::string& hash) = 0;
  virtual std::expected<std::optional<std::string>, StoreError> password_hash(long long member_id) = 0;
  // Members with a password whose email (any case) or phone (digits and +
  // only) is `login`, in `store_id` when given.
  virtual std::expected<std::vector<LoginCandidate>, StoreError> login_candidates(
      const std::string& login, const std::optional<std::string>& store_id) = 0;

  // The failed logins of `account` (Auth's key: the login and the store),
  // kept in the database so that every daemon counts them: those at or
  // after `since` (unix seconds); recording one forgets every account's
  // failures before `forget_before`; a good password clears them.
  virtual std::expected<LoginFailures, StoreError> login_failures(const std::string& account, std::int64_t since) = 0;
  virtual std::expected<void, StoreError> add_login_failure(const std::string& account, std::int64_t at,
                                                            std::int64_t forget_before) = 0;
  virtual std::expected<void, StoreError> clear_login_failures(const std::string& account) = 0;

  virtual std::expected<long long, StoreError> insert_token(const NewToken& token) = 0;
  // The unexpired token with this digest at `now` (unix seconds).
  virtual std::expected<std::optional<Principal>, StoreError> principal(const std::string& digest, std::int64_t now) = 0;
  virtual std::expected<bool, StoreError> revoke_token(const std::string& digest) = 0;
  // Every token of the member but `keep_token_id` (after a password change).
  virtual std::expected<void, StoreError> revoke_member_tokens(long long member_id, long long keep_token_id) = 0;

  virtual std::expected<std::optional<Profile>, StoreError> profile(long long member_id) = 0;
  virtual std::expected<Profile, PatchFailure> update_profile(long long member_id, const ProfilePatch& patch) = 0;

  // A device token moves to the member who registers it last (a phone that
  // changed hands).
  virtual std::expected<void, StoreError> add_device(long long member_id, const std::string& token,
                                                     const std::string& platform) = 0;
  virtual std::expected<bool, StoreError> remove_device(long long member_id, const std::string& token) = 0;
};

}  // namespace setia::core
