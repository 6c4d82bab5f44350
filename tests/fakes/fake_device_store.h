#pragma once

// Members' devices in memory: a token belongs to the member who added it
// last, as in PgDeviceStore.

#include <map>
#include <string>

#include "core/ports/device_store.h"

namespace setia::core::fakes {

class FakeDevices final : public DeviceStore {
 public:
  std::map<std::string, std::pair<long long, std::string>> by_token;  // token -> member, platform

  std::expected<void, StoreError> add_device(long long member_id, const std::string& token,
                                             const std::string& platform) override {
    by_token[token] = {member_id, platform};
    return {};
  }
  std::expected<bool, StoreError> remove_device(long long member_id, const std::string& token) override {
    auto it = by_token.find(token);
    if (it == by_token.end() || it->second.first != member_id) return false;
    by_token.erase(it);
    return true;
  }
};

}  // namespace setia::core::fakes
