#pragma once

#include <expected>
#include <optional>
#include <string>

#include "core/ports/device_store.h"
#include "core/ports/profile_store.h"
#include "core/services/service_error.h"

namespace setia::core {

// A member's profile: read, changed by the member (birth date once) or by
// an admin, and the member's devices for pushes. One per thread.
class Profiles {
 public:
  // `max_devices`: devices one member may register (rest.max_devices_per_member).
  Profiles(ProfileStore& profiles, DeviceStore& devices, int max_devices = 5)
      : profiles_(profiles), devices_(devices), max_devices_(max_devices) {}

  // Member `member_id` of store `store_id` (the token's store, or the
  // store of the member the admin found): not_found in another store.
  std::expected<Profile, ServiceError> get(const std::string& store_id, long long member_id);
  // By the member: a birth date, once set, stays (409 birth_date_locked);
  // only an admin changes it.
  std::expected<Profile, ServiceError> update_own(const std::string& store_id, long long member_id, ProfilePatch patch);
  // By an admin, `actor` in the audit: any field, the birth date too.
  std::expected<Profile, ServiceError> update_by_admin(const std::string& store_id, long long member_id,
                                                       ProfilePatch patch, const std::string& actor);

  // Of member `member_id` of store `store_id`. platform: android | ios |
  // web. Refused (conflict) past max_devices, and for a token another
  // member holds.
  std::expected<void, ServiceError> add_device(const std::string& store_id, long long member_id,
                                               const std::string& token, const std::string& platform);
  std::expected<void, ServiceError> remove_device(const std::string& store_id, long long member_id,
                                                  const std::string& token);

 private:
  std::expected<Profile, ServiceError> update(const std::string& store_id, long long member_id, ProfilePatch patch);
  ProfileStore& profiles_;
  DeviceStore& devices_;
  int max_devices_;
};

// What is wrong with a field a person typed (the same rules as
// Members::add), or none; a phone's is domain::phone_problem.
std::optional<std::string> name_problem(const std::string& name);
std::optional<std::string> email_problem(const std::string& email);

}  // namespace setia::core
