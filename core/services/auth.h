#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <functional>
#include <optional>
#include <string>

#include "core/ports/clock.h"
#include "core/ports/credential_store.h"
#include "core/ports/credentials.h"
#include "core/ports/login_failure_store.h"
#include "core/ports/profile_store.h"
#include "core/services/login_throttle.h"
#include "core/services/members.h"
#include "core/services/rules_source.h"
#include "core/services/service_error.h"

namespace setia::core {

struct AuthOptions {
  std::chrono::seconds member_token_ttl{std::chrono::hours(24 * 30)};  // a token, or a refresh token
  std::chrono::seconds access_token_ttl{std::chrono::minutes(15)};     // with a refresh token
  std::size_t min_password = 8;
  std::size_t max_password = 1024;  // argon2 takes any length; a bound keeps a request cheap to refuse
  // Wrong passwords for one login (in the database: every daemon counts
  // them) within the window; then every attempt waits, the right password
  // too, so that a guesser does not learn it was right.
  int max_login_failures = 5;
  std::chrono::seconds login_failure_window{15 * 60};
};

struct Registration {
  std::string store_id, name, phone, password;
  std::optional<std::string> email, birth_date;
};

// A bearer token just issued, with the member it speaks for.
struct Session {
  std::string token;
  std::int64_t expires_at = 0;  // unix seconds
  Profile profile;
  // When asked for: the short-lived token above comes with a refresh token
  // (POST /v1/auth/refresh), valid as long as a token without one.
  std::string refresh_token;
  std::int64_t refresh_expires_at = 0;
};

// Accounts of the mobile app and tokens of everyone: registration, login
// (argon2id, rate-limited, the same answer and about the same time for an
// unknown login and a wrong password), bearer tokens stored as digests,
// admin tokens for setiactl. One per thread (it holds a thread's store);
// the per-address throttle is shared.
class Auth {
 public:
  // `dummy_hash`: a hash of a random password made by `hasher` at start, to
  // verify against when no account matches (make_dummy_hash).
  Auth(CredentialStore& credentials, LoginFailureStore& login_failures, ProfileStore& profiles, Members& members,
       PasswordHasher& hasher, TokenMinter& tokens, LoginThrottle& throttle, RulesSource rules, const Clock& clock,
       AuthOptions options, std::string dummy_hash)
      : credentials_(credentials),
        login_failures_(login_failures),
        profiles_(profiles),
        members_(members),
        hasher_(hasher),
        tokens_(tokens),
        throttle_(throttle),
        rules_(std::move(rules)),
        clock_(clock),
        options_(options),
        dummy_hash_(std::move(dummy_hash)) {}

  // A new member of `store_id` (email and phone unique in it) with a
  // password, logged in. `address` is the client's: registrations count
  // against the same per-address limit as logins.
  std::expected<Session, ServiceError> register_member(const Registration& r, const std::string& address,
                                                       bool refresh = false);
  // `login` is an email or a phone; `store_id` narrows it when the same
  // login is a member of several stores. `address` is the client's, for the
  // rate limit.
  std::expected<Session, ServiceError> login(const std::string& login, const std::string& password,
                                             const std::optional<std::string>& store_id, const std::string& address,
                                             bool refresh = false);
  // A new access token and refresh token for a refresh token, used once: a
  // second use ends its whole family (401 refresh_reused).
  std::expected<Session, ServiceError> refresh(const std::string& refresh_token);
  // Every token of the member ends, this one too (logout everywhere).
  std::expected<void, ServiceError> logout_everywhere(const Principal& who);
  // A session for a member who proved who they are (login, registration,
  // a recovery code): a token of member_token_ttl, or with `refresh` an
  // access token and a refresh token of a new family.
  std::expected<Session, ServiceError> issue(const Profile& profile, const std::string& label, bool refresh,
                                             std::optional<long long> family = std::nullopt);
  std::expected<Principal, ServiceError> authenticate(const std::string& token);
  std::expected<void, ServiceError> logout(const std::string& token);
  // The member's own change: the current password proves it is them; every
  // other token of theirs stops working. Wrong current passwords count like
  // failed logins (per account and per `address`): past the limit, 429.
  std::expected<void, ServiceError> change_password(const Principal& who, const std::string& current,
                                                    const std::string& fresh, const std::string& address);
  // One attempt of `address` against the per-address limit (the one logins
  // and registrations count against); 429 past it. For the other answers
  // that tell whether an account exists (a phone or email change that is
  // "taken"): scanning phone numbers through them costs the same.
  std::expected<void, ServiceError> admit_address(const std::string& address);
  // One password guess against `account` (a throttle key, e.g. "admin:" and
  // the login; counted under `store`, "*" for none) from `address`, for the
  // admin accounts (admins.h): 429 past the per-address or per-account
  // limit; `verify` checks the password (the same argon2 cost whether the
  // account exists or not); a wrong one is counted, a right one clears the
  // count. True when it was right.
  std::expected<bool, ServiceError> guess(const std::string& store, const std::string& account,
                                          const std::string& address, const std::function<bool()>& verify);
  // Checks the password's length and hashes it (argon2id).
  std::expected<std::string, ServiceError> hash_password(const std::string& password);
  // A hash of a random password, to verify against when no account matches.
  const std::string& dummy_hash() const { return dummy_hash_; }
  // For setiactl: an admin token for one store, or for all (store none).
  std::expected<std::string, ServiceError> create_admin_token(const std::optional<std::string>& store_id,
                                                              std::chrono::seconds ttl);

 private:
  std::expected<void, ServiceError> admit_guess(const std::string& store, const std::string& account,
                                                const std::string& address, std::int64_t now);

  CredentialStore& credentials_;
  LoginFailureStore& login_failures_;
  ProfileStore& profiles_;
  Members& members_;
  PasswordHasher& hasher_;
  TokenMinter& tokens_;
  LoginThrottle& throttle_;
  RulesSource rules_;
  const Clock& clock_;
  AuthOptions options_;
  std::string dummy_hash_;
};

// A hash of a random password, for Auth's unknown-login path.
std::string make_dummy_hash(PasswordHasher& hasher, TokenMinter& tokens);

// Whether a string has the shape of a token this build mints (43
// base64url characters), so that junk is refused without a query.
bool looks_like_token(const std::string& token);

}  // namespace setia::core
