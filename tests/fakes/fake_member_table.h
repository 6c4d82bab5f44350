#pragma once

// The members table in memory, behind the three ports that read and write
// it in PostgreSQL: MemberStore (registration, find by code), ProfileStore
// (a member's profile and its changes) and MemberDirectory (admins find
// members). One class, so that a member registered through one port is
// there for the others (the REST fuzz target, tests/fuzz/rest_rig.h).

#include <algorithm>
#include <cctype>
#include <map>
#include <string>

#include "core/domain/member.h"
#include "core/ports/member_directory.h"
#include "core/ports/member_store.h"
#include "core/ports/profile_store.h"
#include "tests/fakes/keyset_page.h"

namespace setia::core::fakes {

class FakeMemberTable final : public MemberStore, public ProfileStore, public MemberDirectory {
 public:
  std::map<long long, Profile> rows;                  // by id
  std::map<long long, std::string> password_hashes;  // stored with their member

  // A member as a row; the id is the next one.
  Profile& add(const std::string& store, const std::string& code, const std::string& name, const std::string& phone,
               std::optional<std::string> email = std::nullopt) {
    long long id = rows.empty() ? 1 : rows.rbegin()->first + 1;
    Profile p;
    p.member = domain::Member{.id = id,
                              .store_id = store,
                              .code = code,
                              .name = name,
                              .phone = phone,
                              .email = std::move(email),
                              .birth_date = {},
                              .points = 0,
                              .created_at = {}};
    p.created_at = 1'600'000'000 + id;
    return rows[id] = p;
  }

  // MemberStore
  std::expected<domain::Member, InsertFailure> insert(const domain::Member& m,
                                                      const std::optional<std::string>& password_hash) override {
    for (const auto& [id, p] : rows) {
      if (p.member.code == m.code) return std::unexpected(InsertError::code_taken);
      if (p.member.store_id != m.store_id) continue;
      // As migrations/0021 keys them: a phone typed two ways is one phone.
      if (domain::normalized_phone(p.member.phone) == domain::normalized_phone(m.phone)) {
        return std::unexpected(InsertError::phone_taken);
      }
      if (m.email && p.member.email && lower(*p.member.email) == lower(*m.email)) {
        return std::unexpected(InsertError::email_taken);
      }
    }
    Profile& p = add(m.store_id, m.code, m.name, m.phone, m.email);
    p.member.birth_date = m.birth_date;
    if (password_hash) password_hashes[p.member.id] = *password_hash;
    return p.member;
  }
  std::expected<std::optional<domain::Member>, StoreError> find_by_code(const std::string& code) override {
    for (const auto& [id, p] : rows) {
      if (p.member.code == code) return p.member;
    }
    return std::nullopt;
  }

  // ProfileStore
  std::expected<std::optional<Profile>, StoreError> profile(const std::string& store_id, long long member_id) override {
    auto it = rows.find(member_id);
    if (it == rows.end() || it->second.member.store_id != store_id) return std::nullopt;
    return it->second;
  }
  std::expected<Profile, PatchFailure> update_profile(const std::string& store_id, long long member_id,
                                                      const ProfilePatch& patch) override {
    auto it = rows.find(member_id);
    if (it == rows.end() || it->second.member.store_id != store_id) return std::unexpected(PatchError::no_such_member);
    domain::Member& m = it->second.member;
    if (patch.lock_birth_date && patch.birth_date && m.birth_date && *m.birth_date != *patch.birth_date) {
      return std::unexpected(PatchError::birth_date_locked);
    }
    for (const auto& [id, p] : rows) {
      if (id == member_id || p.member.store_id != m.store_id) continue;
      if (patch.phone && domain::normalized_phone(p.member.phone) == domain::normalized_phone(*patch.phone)) {
        return std::unexpected(PatchError::phone_taken);
      }
      if (patch.email && p.member.email && lower(*p.member.email) == lower(*patch.email)) {
        return std::unexpected(PatchError::email_taken);
      }
    }
    if (patch.name) m.name = *patch.name;
    if (patch.email) m.email = *patch.email;
    if (patch.phone) m.phone = *patch.phone;
    if (patch.birth_date) m.birth_date = *patch.birth_date;
    if (patch.lang) it->second.lang = *patch.lang;
    return it->second;
  }

  // MemberDirectory
  std::expected<std::optional<Profile>, StoreError> find_member(const std::optional<std::string>& store_id,
                                                                const std::string& id_or_code) override {
    for (const auto& [id, p] : rows) {
      if (store_id && p.member.store_id != *store_id) continue;
      if (std::to_string(id) == id_or_code || p.member.code == id_or_code) return p;
    }
    return std::nullopt;
  }
  std::expected<Page<Profile>, StoreError> search_members(const std::optional<std::string>& store_id,
                                                          const std::string& q, const PageRequest& page) override {
    std::vector<Profile> found;  // by id
    const std::string needle = lower(q);
    for (const auto& [id, p] : rows) {
      if (store_id && p.member.store_id != *store_id) continue;
      const auto& m = p.member;
      for (const auto* field : {&m.name, &m.code, &m.phone, m.email ? &*m.email : nullptr}) {
        if (field && lower(*field).find(needle) != std::string::npos) {
          found.push_back(p);
          break;
        }
      }
    }
    return keyset_page(
        found, page,
        [](const Profile& p) {
          return Cursor{p.member.id, 0};
        },
        false);
  }

 private:
  static std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
  }
};

}  // namespace setia::core::fakes
