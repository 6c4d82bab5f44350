#pragma once

// Members' devices in memory, with PgDeviceStore's rules: a token another
// member holds stays theirs, a member past max_devices adds no more.

#include <map>
#include <string>

#include "core/ports/device_store.h"

namespace setia::core::fakes {

class FakeDevices final : public DeviceStore {
 public:
  std::map<std::string, std::pair<long long, std::string>> by_token;  // token -> member, platform

  std::expected<AddDevice, StoreError> add_device(const std::string&, long long member_id, const std::string& token,
                                                  const std::string& platform, int max_devices) override {
    if (auto it = by_token.find(token); it != by_token.end()) {
      if (it->second.first != member_id) return AddDevice::held_by_another;
      it->second.second = platform;
      return AddDevice::already_yours;
    }
    int mine = 0;
    for (const auto& [t, owner] : by_token) mine += owner.first == member_id ? 1 : 0;
    if (mine >= max_devices) return AddDevice::too_many;
    by_token[token] = {member_id, platform};
    return AddDevice::added;
  }
  std::expected<bool, StoreError> remove_device(const std::string&, long long member_id,
                                                const std::string& token) override {
    auto it = by_token.find(token);
    if (it == by_token.end() || it->second.first != member_id) return false;
    by_token.erase(it);
    return true;
  }
};

}  // namespace setia::core::fakes
