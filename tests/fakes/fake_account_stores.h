#pragma once

// The account ports in memory (credentials, login failures, profiles), a
// member store that knows no one, and the password hasher and token
// minter the Auth tests count and predict.

#include <map>
#include <string>
#include <vector>
#include "core/ports/admin_store.h"
#include "core/ports/credential_store.h"
#include "core/ports/credentials.h"
#include "core/ports/login_failure_store.h"
#include "core/ports/member_store.h"
#include "core/ports/profile_store.h"
#include "core/ports/recovery_store.h"

namespace setia::core::fakes {

// Admin accounts and API keys in memory (the keys live in FakeCredentials'
// tokens, as in api_tokens).
class FakeAdmins final : public core::AdminStore {
 public:
  std::vector<std::pair<core::AdminAccount, std::string>> accounts;  // with their password hashes
  std::vector<core::NewToken>* tokens = nullptr;                     // FakeCredentials::tokens
  std::expected<std::optional<long long>, core::StoreError> insert_admin(const core::NewAdmin& a) override {
    for (const auto& [acc, hash] : accounts) {
      if (acc.login == a.login) return std::nullopt;
    }
    core::AdminAccount acc{.id = static_cast<long long>(accounts.size()) + 1,
                           .store_id = a.store_id,
                           .login = a.login,
                           .name = a.name,
                           .role = a.role,
                           .points_limit = a.points_limit,
                           .disabled_at = std::nullopt,
                           .created_at = 0,
                           .created_by = a.created_by};
    accounts.emplace_back(acc, a.password_hash);
    return acc.id;
  }
  std::expected<std::optional<core::AdminAccount>, core::StoreError> admin(long long id) override {
    if (id < 1 || id > static_cast<long long>(accounts.size())) return std::nullopt;
    return accounts[static_cast<std::size_t>(id - 1)].first;
  }
  std::expected<std::optional<std::pair<core::AdminAccount, std::string>>, core::StoreError> admin_for_login(
      const std::string& login) override {
    for (const auto& a : accounts) {
      if (a.first.login == login) return a;
    }
    return std::nullopt;
  }
  std::expected<std::vector<core::AdminAccount>, core::StoreError> admins(
      const std::optional<std::string>& store_id) override {
    std::vector<core::AdminAccount> out;
    for (const auto& [acc, hash] : accounts) {
      if (!store_id || acc.store_id == store_id) out.push_back(acc);
    }
    return out;
  }
  std::expected<bool, core::StoreError> change_admin(long long id, const core::AdminChange& c, long long,
                                                     bool* last_owner) override {
    if (last_owner) *last_owner = false;
    if (id < 1 || id > static_cast<long long>(accounts.size())) return false;
    auto& [acc, hash] = accounts[static_cast<std::size_t>(id - 1)];
    if (c.disabled && *c.disabled && !acc.disabled_at && acc.role == core::AdminRole::owner) {
      bool other = false;
      for (const auto& [o, h] : accounts) {
        other =
            other || (o.id != id && o.store_id == acc.store_id && o.role == core::AdminRole::owner && !o.disabled_at);
      }
      if (!other) {
        if (last_owner) *last_owner = true;
        return true;
      }
    }
    if (c.disabled) acc.disabled_at = *c.disabled ? std::optional<std::int64_t>(1) : std::nullopt;
    if (c.points_limit) acc.points_limit = *c.points_limit;
    if (c.password_hash) hash = *c.password_hash;
    return true;
  }
  std::expected<std::vector<core::ApiKeyRow>, core::StoreError> api_keys(const std::optional<std::string>& store_id,
                                                                         std::int64_t now) override {
    std::vector<core::ApiKeyRow> out;
    if (!tokens) return out;
    for (std::size_t i = 0; i < tokens->size(); ++i) {
      const auto& t = (*tokens)[i];
      if (t.kind != core::TokenKind::apikey || t.expires_at <= now || (store_id && t.store_id != store_id)) continue;
      out.push_back({static_cast<long long>(i) + 1, t.store_id, t.label, t.admin_role.value_or(core::AdminRole::staff),
                     0, t.expires_at, t.created_by});
    }
    return out;
  }
  std::expected<bool, core::StoreError> revoke_api_key(long long id,
                                                       const std::optional<std::string>& store_id) override {
    if (!tokens || id < 1 || id > static_cast<long long>(tokens->size())) return false;
    auto& t = (*tokens)[static_cast<std::size_t>(id - 1)];
    if (t.kind != core::TokenKind::apikey || t.expires_at == 0 || (store_id && t.store_id != store_id)) return false;
    t.expires_at = 0;
    return true;
  }
};

// Auth over fakes.
class FakeCredentials final : public core::CredentialStore {
 public:
  // What PgCredentialStore joins to a session: its account (role, limit,
  // disabled); none: sessions speak as owners.
  FakeAdmins* admins = nullptr;
  std::vector<core::LoginCandidate> candidates;
  std::vector<core::NewToken> tokens;
  std::map<long long, std::string> passwords;
  std::expected<void, core::StoreError> set_password(const std::string&, long long id, const std::string& h) override {
    passwords[id] = h;
    return {};
  }
  std::expected<std::optional<std::string>, core::StoreError> password_hash(const std::string&, long long id) override {
    if (!passwords.contains(id)) return std::nullopt;
    return passwords[id];
  }
  std::expected<std::vector<core::LoginCandidate>, core::StoreError> login_candidates(
      const std::string&, const std::optional<std::string>&) override {
    return candidates;
  }
  std::expected<long long, core::StoreError> insert_token(const core::NewToken& t) override {
    tokens.push_back(t);
    return static_cast<long long>(tokens.size());
  }
  // What PgCredentialStore joins to a token: its member's code.
  std::map<long long, std::string> member_codes;
  std::expected<std::optional<core::Principal>, core::StoreError> principal(const std::string& digest,
                                                                            std::int64_t now) override {
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      const auto& t = tokens[i];
      if (t.digest != digest || t.expires_at <= now) continue;
      core::Principal p{.role = t.role,
                        .token_id = static_cast<long long>(i) + 1,
                        .member_id = t.member_id.value_or(0),
                        .member_code = {},
                        .store_id = t.store_id.value_or(""),
                        .all_stores = t.role == core::Role::admin && !t.store_id};
      if (auto it = member_codes.find(p.member_id); it != member_codes.end()) p.member_code = it->second;
      p.kind = t.kind;
      p.label = t.label;
      p.admin_role = t.admin_role.value_or(t.store_id ? core::AdminRole::owner : core::AdminRole::operator_);
      if (t.admin_id && admins) {
        auto a = *admins->admin(*t.admin_id);
        if (!a || a->disabled_at) continue;
        p.admin_id = a->id;
        p.admin_role = a->role;
        p.points_limit = a->points_limit;
        p.label = a->login;
      }
      return p;
    }
    return std::nullopt;
  }
  // A revoked token stays in `tokens` (its id is its place there), expired.
  std::expected<bool, core::StoreError> revoke_token(const std::string& digest) override {
    bool found = false;
    for (auto& t : tokens) {
      if (t.digest == digest && t.expires_at > 0) {
        t.expires_at = 0;
        found = true;
      }
    }
    return found;
  }
  std::expected<void, core::StoreError> revoke_member_tokens(long long member_id, long long keep_token_id) override {
    std::optional<long long> family;
    if (keep_token_id > 0 && keep_token_id <= static_cast<long long>(tokens.size())) {
      family = tokens[static_cast<std::size_t>(keep_token_id - 1)].family_id;
    }
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      if (tokens[i].member_id == member_id && static_cast<long long>(i) + 1 != keep_token_id &&
          (!family || tokens[i].family_id != family)) {
        tokens[i].expires_at = 0;
      }
    }
    return {};
  }
  long long families = 0;
  std::expected<long long, core::StoreError> new_token_family() override { return ++families; }
  std::vector<bool> used;  // by token index: a refresh token presented once
  std::expected<core::RefreshUse, core::StoreError> use_refresh(const std::string& digest, std::int64_t now) override {
    used.resize(tokens.size());
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      auto& t = tokens[i];
      if (t.digest != digest || t.kind != core::TokenKind::refresh || t.expires_at <= now) continue;
      core::RefreshUse u{.status = core::RefreshUse::Status::ok,
                         .member_id = t.member_id.value_or(0),
                         .store_id = t.store_id.value_or(""),
                         .family_id = t.family_id.value_or(0)};
      if (used[i]) {
        u.status = core::RefreshUse::Status::reused;
        for (auto& o : tokens) {
          if (o.family_id == t.family_id) o.expires_at = 0;
        }
      }
      used[i] = true;
      return u;
    }
    return core::RefreshUse{};
  }
};

// Recovery codes in memory.
class FakeRecoveryCodes final : public core::RecoveryStore {
 public:
  struct Row {
    core::NewRecoveryCode code;
    std::string phone;  // the member's, digits and '+'
    bool used = false;
  };
  std::vector<Row> rows;
  std::map<long long, std::string> phones;  // member id -> phone digits, for take_code
  std::expected<void, core::StoreError> insert_code(const core::NewRecoveryCode& c) override {
    rows.push_back({c, phones[c.member_id], false});
    return {};
  }
  std::expected<int, core::StoreError> codes_since(const std::string& store, long long member, std::int64_t) override {
    int n = 0;
    for (const auto& r : rows) n += (r.code.store_id == store && r.code.member_id == member) ? 1 : 0;
    return n;
  }
  std::expected<std::optional<long long>, core::StoreError> take_code(const std::string& store,
                                                                      const std::string& phone,
                                                                      const std::string& digest,
                                                                      std::int64_t now) override {
    for (auto& r : rows) {
      if (!r.used && r.code.store_id == store && r.phone == phone && r.code.digest == digest &&
          r.code.expires_at > now) {
        r.used = true;
        return r.code.member_id;
      }
    }
    return std::nullopt;
  }
};

class FakeLoginFailures final : public core::LoginFailureStore {
 public:
  struct Failure {
    std::int64_t at;
    std::string address;
  };
  std::map<std::string, std::vector<Failure>> failures;  // account -> when and from where
  std::map<std::string, std::string> stores;             // account -> the store it was recorded under
  std::expected<core::LoginFailures, core::StoreError> login_failures(const std::string&, const std::string& account,
                                                                      const std::string& address,
                                                                      std::int64_t since) override {
    core::LoginFailures out;
    for (const auto& f : failures[account]) {
      if (f.at < since) continue;
      if (out.count++ == 0 || f.at < out.oldest) out.oldest = f.at;
      out.latest = std::max(out.latest, f.at);
      if (f.address == address) {
        ++out.from_address;
        out.latest_from_address = std::max(out.latest_from_address, f.at);
      }
    }
    return out;
  }
  std::expected<void, core::StoreError> add_login_failure(const std::string& store, const std::string& account,
                                                          const std::string& address, std::int64_t at,
                                                          std::int64_t forget_before) override {
    for (auto& [_, list] : failures) std::erase_if(list, [&](const Failure& f) { return f.at < forget_before; });
    failures[account].push_back({at, address});
    stores[account] = store;
    return {};
  }
  std::expected<void, core::StoreError> clear_login_failures(const std::string&, const std::string& account,
                                                             const std::string& address) override {
    std::erase_if(failures[account], [&](const Failure& f) { return f.address == address; });
    if (failures[account].empty()) failures.erase(account);
    return {};
  }
};

class FakeProfiles final : public core::ProfileStore {
 public:
  std::expected<std::optional<core::Profile>, core::StoreError> profile(const std::string& store_id,
                                                                        long long id) override {
    core::Profile p;
    p.member.id = id;
    p.member.store_id = store_id;
    return p;
  }
  std::expected<core::Profile, PatchFailure> update_profile(const std::string&, long long,
                                                            const core::ProfilePatch&) override {
    return std::unexpected(PatchError::no_such_member);
  }
};

class NoMembers final : public core::MemberStore {
 public:
  std::vector<std::string> password_hashes;  // stored with their member
  std::expected<domain::Member, InsertFailure> insert(const domain::Member& m,
                                                      const std::optional<std::string>& password_hash) override {
    if (password_hash) password_hashes.push_back(*password_hash);
    return m;
  }
  std::expected<std::optional<domain::Member>, core::StoreError> find_by_code(const std::string&) override {
    return std::nullopt;
  }
};

class CountingHasher final : public core::PasswordHasher {
 public:
  int verifies = 0, hashes = 0;
  std::string params = "v1";
  std::optional<std::string> hash(std::string_view pw) override {
    ++hashes;
    return "$" + params + "$" + std::string(pw);
  }
  bool verify(const std::string& encoded, std::string_view pw) override {
    ++verifies;
    return encoded.ends_with("$" + std::string(pw));
  }
  bool needs_rehash(const std::string& encoded) override { return !encoded.starts_with("$" + params + "$"); }
};

class SeqTokens final : public core::TokenMinter {
 public:
  int n = 0;
  std::string mint() override {
    std::string t = std::to_string(++n);
    return std::string(43 - t.size(), 'A') + t;
  }
  std::string digest(std::string_view t) override { return "d:" + std::string(t); }
};

}  // namespace setia::core::fakes
