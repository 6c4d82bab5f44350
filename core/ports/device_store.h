#pragma once

#include <expected>
#include <string>

#include "core/ports/store_error.h"

namespace setia::core {

// Members' phones (FCM registration tokens), where their pushes go. Each
// call is one committed transaction. Not thread-safe: one per thread.
class DeviceStore {
 public:
  virtual ~DeviceStore() = default;

  // A device token moves to the member who registers it last (a phone that
  // changed hands).
  virtual std::expected<void, StoreError> add_device(long long member_id, const std::string& token,
                                                     const std::string& platform) = 0;
  // False when the member had no such device.
  virtual std::expected<bool, StoreError> remove_device(long long member_id, const std::string& token) = 0;
};

}  // namespace setia::core
