#pragma once

#include "adapters/postgres/pg_session.h"
#include "core/ports/device_store.h"

namespace setia::adapters::postgres {

// core::DeviceStore on PostgreSQL (devices). Works on a session it is
// given, so that one worker's stores share one connection.
class PgDeviceStore final : public core::DeviceStore {
 public:
  explicit PgDeviceStore(PgSession& session) : session_(session) {}

  // core::DeviceStore
  std::expected<AddDevice, core::StoreError> add_device(const std::string& store_id, long long member_id,
                                                        const std::string& token, const std::string& platform,
                                                        int max_devices) override;
  std::expected<bool, core::StoreError> remove_device(const std::string& store_id, long long member_id,
                                                      const std::string& token) override;

 private:
  PgSession& session_;
};

}  // namespace setia::adapters::postgres
