#pragma once

#include "adapters/postgres/pg_session.h"
#include "core/ports/outbox_store.h"

namespace setia::adapters::postgres {

class PgOutboxStore final : public core::OutboxStore {
 public:
  explicit PgOutboxStore(std::string conninfo) : session_(std::move(conninfo)) {}

  // core::OutboxStore
  std::expected<std::vector<core::OutboxItem>, core::StoreError> claim(int limit, std::chrono::seconds lease) override;
  std::expected<void, core::StoreError> mark_sent(const std::string& store_id, long long id) override;
  std::expected<void, core::StoreError> mark_retry(const std::string& store_id, long long id,
                                                   std::chrono::seconds delay, const std::string& error) override;
  std::expected<void, core::StoreError> mark_dead(const std::string& store_id, long long id,
                                                  const std::string& error) override;
  std::expected<void, core::StoreError> drop_device(const std::optional<std::string>& store_id,
                                                    const std::string& token, const std::string& error) override;
  std::expected<std::vector<core::OutboxRow>, core::StoreError> list(const std::optional<std::string>& status,
                                                                     int limit) override;
  std::expected<bool, core::StoreError> replay(long long id) override;

 private:
  PgSession session_;
};

}  // namespace setia::adapters::postgres
