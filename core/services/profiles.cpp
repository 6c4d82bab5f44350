#include "core/services/profiles.h"

#include <algorithm>
#include <cctype>

#include "core/domain/civil_date.h"
#include "core/domain/member.h"
#include "core/services/members.h"

namespace setia::core {
namespace {

using Kind = ServiceError::Kind;

std::unexpected<ServiceError> err(Kind kind, std::string message, std::string reason = {}) {
  return std::unexpected(ServiceError{kind, std::move(message), std::move(reason)});
}

}  // namespace

std::optional<std::string> name_problem(const std::string& name) {
  if (name.empty() || name.size() > 100) return "name must be 1 to 100 characters";
  return std::nullopt;
}

std::optional<std::string> email_problem(const std::string& email) {
  auto at = email.find('@');
  if (email.size() > 254 || at == std::string::npos || at == 0 || at == email.size() - 1) {
    return "email must look like name@example.com";
  }
  return std::nullopt;
}

std::expected<Profile, ServiceError> Profiles::get(const std::string& store_id, long long member_id) {
  auto p = profiles_.profile(store_id, member_id);
  if (!p) return err(Kind::unavailable, p.error().message);
  if (!*p) return err(Kind::not_found, "no such member", "no_such_member");
  return **p;
}

std::expected<Profile, ServiceError> Profiles::update(const std::string& store_id, long long member_id,
                                                      ProfilePatch patch) {
  if (patch.name) {
    if (auto p = name_problem(*patch.name)) return err(Kind::invalid, *p);
  }
  if (patch.phone) {
    if (auto p = domain::phone_problem(*patch.phone)) return err(Kind::invalid, *p);
    // Stored as Members::add stores it: normalised, so that the store's
    // uniqueness of phones holds however it was typed.
    patch.phone = domain::normalized_phone(*patch.phone);
  }
  if (patch.email) {
    if (auto p = email_problem(*patch.email)) return err(Kind::invalid, *p);
  }
  if (patch.birth_date) {
    if (auto p = domain::birth_date_problem(*patch.birth_date)) return err(Kind::invalid, *p);
  }
  if (patch.lang && *patch.lang != "id" && *patch.lang != "en") return err(Kind::invalid, "language must be id or en");
  auto r = profiles_.update_profile(store_id, member_id, patch);
  if (r) return *r;
  if (auto* e = r.error().store_error()) return err(Kind::unavailable, e->message);
  switch (*r.error().refusal()) {
    case ProfileStore::PatchError::no_such_member: return err(Kind::not_found, "no such member", "no_such_member");
    case ProfileStore::PatchError::phone_taken:
      return err(Kind::conflict, "phone is already registered in this store", "phone_taken");
    case ProfileStore::PatchError::email_taken:
      return err(Kind::conflict, "email is already registered in this store", "email_taken");
    case ProfileStore::PatchError::birth_date_locked:
      return err(Kind::conflict,
                 "birth_date can be set once, and it is set: ask the shop to correct it (a changed birth date "
                 "brings no birthday gift for the next weeks)",
                 "birth_date_locked");
  }
  return err(Kind::unavailable, "unexpected store answer");
}

std::expected<Profile, ServiceError> Profiles::update_own(const std::string& store_id, long long member_id,
                                                          ProfilePatch patch) {
  patch.lock_birth_date = true;
  patch.actor = "member";
  return update(store_id, member_id, patch);
}

std::expected<Profile, ServiceError> Profiles::update_by_admin(const std::string& store_id, long long member_id,
                                                               ProfilePatch patch, const std::string& actor) {
  patch.lock_birth_date = false;
  patch.actor = actor;
  return update(store_id, member_id, patch);
}

std::expected<void, ServiceError> Profiles::add_device(const std::string& store_id, long long member_id,
                                                       const std::string& token, const std::string& platform) {
  // FCM registration tokens are ~160 characters of [A-Za-z0-9_:-]; refuse
  // what cannot be one rather than store junk the dispatcher sends to.
  bool ok = !token.empty() && token.size() <= 4096 && std::all_of(token.begin(), token.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '_' || c == '-' || c == ':' || c == '.';
  });
  if (!ok) return err(Kind::invalid, "token must be an FCM registration token ([A-Za-z0-9_:.-], at most 4096)");
  if (platform != "android" && platform != "ios" && platform != "web") {
    return err(Kind::invalid, "platform must be android, ios or web");
  }
  auto done = devices_.add_device(store_id, member_id, token, platform, max_devices_);
  if (!done) return err(Kind::unavailable, done.error().message);
  using Added = DeviceStore::AddDevice;
  switch (*done) {
    case Added::added:
    case Added::already_yours: return {};
    case Added::too_many:
      return err(Kind::conflict,
                 "you have " + std::to_string(max_devices_) +
                     " devices registered already: remove one you no longer use (DELETE /v1/me/devices/{token})",
                 "too_many_devices");
    case Added::held_by_another:
      return err(Kind::conflict,
                 "this device receives another account's notifications: sign out of that account in the app "
                 "first (it removes the device), or let the app renew its token",
                 "device_registered_elsewhere");
  }
  return {};
}

std::expected<void, ServiceError> Profiles::remove_device(const std::string& store_id, long long member_id,
                                                          const std::string& token) {
  auto done = devices_.remove_device(store_id, member_id, token);
  if (!done) return err(Kind::unavailable, done.error().message);
  if (!*done) return err(Kind::not_found, "no such device of yours", "no_such_device");
  return {};
}

}  // namespace setia::core
