#pragma once

#include <expected>
#include <string>

#include "core/ports/store_error.h"

namespace setia::core {

// Members' phones (FCM registration tokens), where their pushes go. Each
// call is one committed transaction, about a member of `store_id`. Not
// thread-safe: one per thread.
class DeviceStore {
 public:
  virtual ~DeviceStore() = default;

  // What registering a device did. A token another member holds is not
  // taken from them (their pushes would go to this phone without a word);
  // a member past `max_devices` registers no more (each device is one more
  // outbox row in every sale's transaction).
  enum class AddDevice { added, already_yours, held_by_another, too_many };
  virtual std::expected<AddDevice, StoreError> add_device(const std::string& store_id, long long member_id,
                                                          const std::string& token, const std::string& platform,
                                                          int max_devices) = 0;
  // False when the member had no such device.
  virtual std::expected<bool, StoreError> remove_device(const std::string& store_id, long long member_id,
                                                        const std::string& token) = 0;
};

}  // namespace setia::core
