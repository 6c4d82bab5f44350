#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>

#include "core/domain/member.h"
#include "core/ports/store_error.h"

namespace setia::core {

// A member's account: the profile and what only the member sees of it.
struct Profile {
  domain::Member member;
  std::string lang = "id";  // id | en: the language of their notifications
  // Consent in force to promo announcements (marketing: opt-in; core/services/consents.h changes it).
  bool promo_pushes = false;
  std::int64_t created_at = 0;  // unix seconds
};

// Fields to change; absent ones stay. Validated by core::Profiles.
struct ProfilePatch {
  std::optional<std::string> name, email, phone, birth_date, lang;
  // A member's own change: a birth date may be set once (while it is
  // empty); an admin corrects it any time.
  bool lock_birth_date = false;
  // Who changes it, recorded with a new birth date: "member", or an
  // admin's audit name (admin_actor, cli_actor).
  std::string actor;
};

// Members' profiles as they read and change them. Each call is one
// committed transaction. Not thread-safe: one per thread.
class ProfileStore {
 public:
  enum class PatchError { no_such_member, phone_taken, email_taken, birth_date_locked };
  using PatchFailure = WriteFailure<PatchError>;
  virtual ~ProfileStore() = default;

  // Member `member_id` of `store_id` (the caller's token's store, or the
  // member row's): none in another store.
  virtual std::expected<std::optional<Profile>, StoreError> profile(const std::string& store_id,
                                                                    long long member_id) = 0;
  virtual std::expected<Profile, PatchFailure> update_profile(const std::string& store_id, long long member_id,
                                                              const ProfilePatch& patch) = 0;
};

}  // namespace setia::core
