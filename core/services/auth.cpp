#include "core/services/auth.h"

#include <algorithm>
#include <cctype>

#include "core/domain/member.h"
#include "core/domain/store_id.h"
#include "core/support/log.h"

namespace setia::core {
namespace {

using Kind = ServiceError::Kind;

std::unexpected<ServiceError> err(Kind kind, std::string message, std::string reason = {}) {
  return std::unexpected(ServiceError{kind, std::move(message), std::move(reason)});
}

std::unexpected<ServiceError> unavailable(const StoreError& e) { return err(Kind::unavailable, e.message); }

std::unexpected<ServiceError> rate_limited(std::int64_t wait) {
  ServiceError e{Kind::rate_limited, "too many login attempts; try again in " + std::to_string(wait) + " s",
                 "rate_limited"};
  e.retry_after_s = static_cast<int>(wait);
  return std::unexpected(std::move(e));
}

// One message for an unknown login and a wrong password: the answer must
// not tell which accounts exist.
constexpr const char* kBadLogin = "wrong login or password";

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

// The throttle's key for a login: an email in lower case, a phone as its
// digits and '+' (the database compares them so), so that typing the same
// phone another way does not buy more guesses.
std::string login_key(const std::string& login) {
  if (login.find('@') != std::string::npos) return lower(login);
  std::string digits = domain::normalized_phone(login);
  return digits.empty() ? lower(login) : digits;
}

}  // namespace

bool looks_like_token(const std::string& token) {
  return token.size() == 43 && std::all_of(token.begin(), token.end(),
                                           [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_'; });
}

std::string make_dummy_hash(PasswordHasher& hasher, TokenMinter& tokens) {
  return hasher.hash(tokens.mint()).value_or("");
}

std::expected<std::string, ServiceError> Auth::hash_password(const std::string& password) {
  if (password.size() < options_.min_password) {
    return err(Kind::invalid, "password must be at least " + std::to_string(options_.min_password) + " characters",
               "password_too_short");
  }
  if (password.size() > options_.max_password) {
    return err(Kind::invalid, "password must be at most " + std::to_string(options_.max_password) + " characters");
  }
  auto hash = hasher_.hash(password);
  if (!hash) return err(Kind::unavailable, "cannot hash the password now (out of memory); try again");
  return *hash;
}

std::expected<Session, ServiceError> Auth::issue(const Profile& profile, const std::string& label, bool refresh,
                                                 std::optional<long long> family) {
  auto at = [&](std::chrono::seconds ttl) {
    return std::chrono::duration_cast<std::chrono::seconds>((clock_.now() + ttl).time_since_epoch()).count();
  };
  Session s;
  s.profile = profile;
  s.token = tokens_.mint();
  NewToken t{.digest = tokens_.digest(s.token),
             .role = Role::member,
             .member_id = profile.member.id,
             .store_id = profile.member.store_id,
             .expires_at = 0,
             .label = label};
  if (!refresh) {
    s.expires_at = t.expires_at = at(options_.member_token_ttl);
    if (auto id = credentials_.insert_token(t); !id) return unavailable(id.error());
    return s;
  }
  if (!family) {
    auto fresh = credentials_.new_token_family();
    if (!fresh) return unavailable(fresh.error());
    family = *fresh;
  }
  s.expires_at = t.expires_at = at(options_.access_token_ttl);
  t.kind = TokenKind::access;
  t.family_id = family;
  if (auto id = credentials_.insert_token(t); !id) return unavailable(id.error());
  s.refresh_token = tokens_.mint();
  NewToken r = t;
  r.digest = tokens_.digest(s.refresh_token);
  r.kind = TokenKind::refresh;
  s.refresh_expires_at = r.expires_at = at(options_.member_token_ttl);
  if (auto id = credentials_.insert_token(r); !id) return unavailable(id.error());
  return s;
}

std::expected<Session, ServiceError> Auth::refresh(const std::string& refresh_token) {
  if (!looks_like_token(refresh_token)) {
    return err(Kind::unauthenticated, "the refresh token is not valid", "bad_refresh_token");
  }
  auto now = std::chrono::duration_cast<std::chrono::seconds>(clock_.now().time_since_epoch()).count();
  auto use = credentials_.use_refresh(tokens_.digest(refresh_token), now);
  if (!use) return unavailable(use.error());
  if (use->status == RefreshUse::Status::reused) {
    log::get("rest")->warn("member {}: a refresh token was used twice; its family of tokens is ended", use->member_id);
    return err(Kind::unauthenticated,
               "this refresh token was used already: every token of this login has ended; log in again",
               "refresh_reused");
  }
  if (use->status != RefreshUse::Status::ok) {
    return err(Kind::unauthenticated, "the refresh token is unknown or expired; log in again", "bad_refresh_token");
  }
  auto profile = profiles_.profile(use->store_id, use->member_id);
  if (!profile) return unavailable(profile.error());
  if (!*profile) return err(Kind::unauthenticated, "the refresh token is unknown or expired", "bad_refresh_token");
  return issue(**profile, "refresh", true, use->family_id);
}

std::expected<void, ServiceError> Auth::logout_everywhere(const Principal& who) {
  if (who.role != Role::member) return err(Kind::forbidden, "this is for a member's tokens", "not_a_member");
  if (auto done = credentials_.revoke_member_tokens(who.member_id, 0); !done) return unavailable(done.error());
  return {};
}

std::expected<void, ServiceError> Auth::admit_address(const std::string& address) {
  if (int wait = throttle_.admit(address); wait > 0) {
    ServiceError e{Kind::rate_limited, "too many attempts; try again in " + std::to_string(wait) + " s",
                   "rate_limited"};
    e.retry_after_s = wait;
    return std::unexpected(std::move(e));
  }
  return {};
}

std::expected<Session, ServiceError> Auth::register_member(const Registration& r, const std::string& address,
                                                           bool refresh) {
  // Each registration costs an argon2 hash: the per-address limit keeps one
  // client from making the server hash all day.
  if (auto admitted = admit_address(address); !admitted) return std::unexpected(admitted.error());
  auto book = rules_ ? rules_() : nullptr;
  if (!book || (!book->by_store.contains(r.store_id) && !book->fallback)) {
    return err(Kind::invalid, "store '" + r.store_id + "' has no rules here: not a store of this Setia",
               "unknown_store");
  }
  // The password first: a refused one must not leave a member behind.
  auto hash = hash_password(r.password);
  if (!hash) return std::unexpected(hash.error());
  std::optional<std::string> email = r.email;
  if (email) *email = trim(*email);
  auto member = members_.add({r.store_id, trim(r.name), trim(r.phone), email, r.birth_date, *hash});
  if (!member) return std::unexpected(member.error());
  auto profile = profiles_.profile(member->store_id, member->id);
  if (!profile) return unavailable(profile.error());
  if (!*profile) return err(Kind::unavailable, "the new member is not readable yet; log in");
  return issue(**profile, "register", refresh);
}

static std::int64_t guess_delay(int beyond, std::int64_t window) {
  // 30 s at the limit, doubling with each failure past it, at most the
  // window (and 15 minutes): a delay that wears off, never a lock.
  const std::int64_t cap = std::min<std::int64_t>(window, 900);
  return std::min<std::int64_t>(cap, std::int64_t{30} << std::min(beyond, 10));
}

// A password guess for `account` from `address` may go ahead: the
// per-address limit (in memory), and the account's failures in the window
// (in the database, shared by every daemon). Failures are counted per
// login and address (docs/rest-api-auth.md#wrong-passwords): past
// max_login_failures from one address, that address waits a growing delay
// after its last failure, the right password too (the guesser learns
// nothing), while the owner at another address logs in. Only when ten
// times as many come from every address at once (guesses spread over many
// addresses) does every address wait, and then only the same kind of delay.
std::expected<void, ServiceError> Auth::admit_guess(const std::string& store, const std::string& account,
                                                    const std::string& address, std::int64_t now) {
  const auto window = options_.login_failure_window.count();
  if (int wait = throttle_.admit(address); wait > 0) return rate_limited(wait);
  auto f = login_failures_.login_failures(store, account, address, now - window + 1);
  if (!f) return unavailable(f.error());
  const int max = options_.max_login_failures;
  if (f->from_address >= max) {
    auto wait = f->latest_from_address + guess_delay(f->from_address - max, window) - now;
    if (wait > 0) return rate_limited(wait);
  }
  if (f->count >= max * 10) {
    auto wait = f->latest + guess_delay(f->count - max * 10, window) - now;
    if (wait > 0) return rate_limited(wait);
  }
  return {};
}

std::expected<bool, ServiceError> Auth::guess(const std::string& store, const std::string& account,
                                              const std::string& address, const std::function<bool()>& verify) {
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(clock_.now().time_since_epoch()).count();
  if (auto admitted = admit_guess(store, account, address, now); !admitted) return std::unexpected(admitted.error());
  if (!verify()) {
    if (auto done = login_failures_.add_login_failure(store, account, address, now,
                                                      now - options_.login_failure_window.count());
        !done) {
      log::get("rest")->warn("could not record a wrong password: {}", done.error().message);
    }
    return false;
  }
  if (auto done = login_failures_.clear_login_failures(store, account, address); !done) {
    log::get("rest")->warn("could not clear the wrong passwords of an account: {}", done.error().message);
  }
  return true;
}

std::expected<Session, ServiceError> Auth::login(const std::string& login_in, const std::string& password,
                                                 const std::optional<std::string>& store_id, const std::string& address,
                                                 bool refresh) {
  const std::string login = trim(login_in);
  if (login.empty() || login.size() > 254) return err(Kind::invalid, "login must be an email or a phone number");
  // "*": a login that names no store is tried in every store, and its
  // failures are counted under that one key (LoginFailureStore).
  const std::string store = store_id.value_or("*");
  const std::string account = login_key(login) + "|" + store;
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(clock_.now().time_since_epoch()).count();
  const auto window = options_.login_failure_window.count();
  if (auto admitted = admit_guess(store, account, address, now); !admitted) return std::unexpected(admitted.error());
  auto candidates = credentials_.login_candidates(login, store_id);
  if (!candidates) return unavailable(candidates.error());

  // Every path verifies at least one hash of the same cost, so that an
  // unknown login takes as long as a wrong password.
  std::vector<const LoginCandidate*> matched;
  if (candidates->empty()) {
    (void)hasher_.verify(dummy_hash_, password);
  }
  for (const auto& c : *candidates) {
    if (hasher_.verify(c.password_hash, password)) matched.push_back(&c);
  }
  if (matched.empty()) {
    if (auto done = login_failures_.add_login_failure(store, account, address, now, now - window); !done) {
      // The answer stays the same; the guess just went uncounted.
      log::get("rest")->warn("could not record a failed login: {}", done.error().message);
    }
    return err(Kind::unauthenticated, kBadLogin, "bad_login");
  }
  if (matched.size() > 1) {
    return err(Kind::invalid, "this login is a member of several stores: add \"store\"", "ambiguous_login");
  }
  if (auto done = login_failures_.clear_login_failures(store, account, address); !done) {
    log::get("rest")->warn("could not clear the failed logins of a member: {}", done.error().message);
  }
  const auto& who = *matched.front();
  if (hasher_.needs_rehash(who.password_hash)) {
    // The hash was made with older (weaker) parameters: the password is at
    // hand now, so store it with today's.
    if (auto fresh = hasher_.hash(password)) {
      if (auto done = credentials_.set_password(who.store_id, who.member_id, *fresh); !done) {
        log::get("rest")->warn("member {}: could not store the rehashed password: {}", who.member_code,
                               done.error().message);
      }
    }
  }
  auto profile = profiles_.profile(who.store_id, who.member_id);
  if (!profile) return unavailable(profile.error());
  if (!*profile) return err(Kind::unauthenticated, kBadLogin, "bad_login");
  return issue(**profile, "login", refresh);
}

std::expected<Principal, ServiceError> Auth::authenticate(const std::string& token) {
  if (!looks_like_token(token)) return err(Kind::unauthenticated, "the bearer token is not valid", "bad_token");
  auto now = std::chrono::duration_cast<std::chrono::seconds>(clock_.now().time_since_epoch()).count();
  auto p = credentials_.principal(tokens_.digest(token), now);
  if (!p) return unavailable(p.error());
  if (!*p) return err(Kind::unauthenticated, "the bearer token is unknown or expired", "bad_token");
  return **p;
}

std::expected<void, ServiceError> Auth::logout(const std::string& token) {
  if (!looks_like_token(token)) return err(Kind::unauthenticated, "the bearer token is not valid", "bad_token");
  auto done = credentials_.revoke_token(tokens_.digest(token));
  if (!done) return unavailable(done.error());
  return {};
}

std::expected<void, ServiceError> Auth::change_password(const Principal& who, const std::string& current,
                                                        const std::string& fresh, const std::string& address) {
  // Each check costs an argon2 hash: the same limits as a login (per
  // address, and per account in the database), or a stolen session token
  // could guess the password, and any token could burn CPU, unthrottled.
  const std::string account = "password-change|member:" + std::to_string(who.member_id);
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(clock_.now().time_since_epoch()).count();
  const auto window = options_.login_failure_window.count();
  if (auto admitted = admit_guess(who.store_id, account, address, now); !admitted) {
    return std::unexpected(admitted.error());
  }
  auto stored = credentials_.password_hash(who.store_id, who.member_id);
  if (!stored) return unavailable(stored.error());
  if (!*stored || !hasher_.verify(**stored, current)) {
    if (auto done = login_failures_.add_login_failure(who.store_id, account, address, now, now - window); !done) {
      log::get("rest")->warn("could not record a wrong current_password: {}", done.error().message);
    }
    return err(Kind::forbidden, "current_password does not match", "wrong_current_password");
  }
  if (auto done = login_failures_.clear_login_failures(who.store_id, account, address); !done) {
    log::get("rest")->warn("could not clear the wrong current_passwords of a member: {}", done.error().message);
  }
  auto hash = hash_password(fresh);
  if (!hash) return std::unexpected(hash.error());
  if (auto done = credentials_.set_password(who.store_id, who.member_id, *hash); !done) {
    return unavailable(done.error());
  }
  if (auto done = credentials_.revoke_member_tokens(who.member_id, who.token_id); !done) {
    return unavailable(done.error());
  }
  return {};
}

std::expected<std::string, ServiceError> Auth::create_admin_token(const std::optional<std::string>& store_id,
                                                                  std::chrono::seconds ttl) {
  if (store_id && !domain::is_valid_store_id(*store_id)) {
    return err(Kind::invalid, "store must match [a-z0-9][a-z0-9-]{0,62}");
  }
  std::string token = tokens_.mint();
  NewToken t{
      .digest = tokens_.digest(token),
      .role = Role::admin,
      .member_id = std::nullopt,
      .store_id = store_id,
      .expires_at = std::chrono::duration_cast<std::chrono::seconds>((clock_.now() + ttl).time_since_epoch()).count(),
      .label = "setiactl"};
  if (auto id = credentials_.insert_token(t); !id) return unavailable(id.error());
  return token;
}

}  // namespace setia::core
