#pragma once

// The account ports in memory (credentials, login failures, profiles), a
// member store that knows no one, and the password hasher and token
// minter the Auth tests count and predict.

#include <map>
#include <string>
#include <vector>
#include "core/ports/credential_store.h"
#include "core/ports/credentials.h"
#include "core/ports/login_failure_store.h"
#include "core/ports/member_store.h"
#include "core/ports/profile_store.h"

namespace setia::core::fakes {

// Auth over fakes.
class FakeCredentials final : public core::CredentialStore {
 public:
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
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      if (tokens[i].member_id == member_id && static_cast<long long>(i) + 1 != keep_token_id) tokens[i].expires_at = 0;
    }
    return {};
  }
};

class FakeLoginFailures final : public core::LoginFailureStore {
 public:
  std::map<std::string, std::vector<std::int64_t>> failures;  // account -> unix seconds
  std::map<std::string, std::string> stores;                  // account -> the store it was recorded under
  std::expected<core::LoginFailures, core::StoreError> login_failures(const std::string&, const std::string& account,
                                                                      std::int64_t since) override {
    core::LoginFailures out;
    for (auto at : failures[account]) {
      if (at < since) continue;
      if (out.count++ == 0 || at < out.oldest) out.oldest = at;
    }
    return out;
  }
  std::expected<void, core::StoreError> add_login_failure(const std::string& store, const std::string& account,
                                                          std::int64_t at, std::int64_t forget_before) override {
    for (auto& [_, times] : failures) std::erase_if(times, [&](std::int64_t t) { return t < forget_before; });
    failures[account].push_back(at);
    stores[account] = store;
    return {};
  }
  std::expected<void, core::StoreError> clear_login_failures(const std::string&, const std::string& account) override {
    failures.erase(account);
    return {};
  }
};

class FakeProfiles final : public core::ProfileStore {
 public:
  std::expected<std::optional<core::Profile>, core::StoreError> profile(long long id) override {
    core::Profile p;
    p.member.id = id;
    p.member.store_id = "toko";
    return p;
  }
  std::expected<core::Profile, PatchFailure> update_profile(long long, const core::ProfilePatch&) override {
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
