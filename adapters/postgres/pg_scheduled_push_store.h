#pragma once

#include "adapters/postgres/pg_session.h"
#include "core/ports/scheduled_push_store.h"

namespace setia::adapters::postgres {

// core::ScheduledPushStore over the functions of
// migrations/0010_scheduled_pushes.sql.
class PgScheduledPushStore final : public core::ScheduledPushStore {
 public:
  explicit PgScheduledPushStore(std::string conninfo) : session_(std::move(conninfo)) {}

  // core::ScheduledPushStore
  std::expected<std::vector<std::string>, core::StoreError> member_stores() override;
  std::expected<std::optional<int>, core::StoreError> remind_expiring(const std::string& store, const std::string& zone,
                                                                      domain::LocalDate day, std::int64_t now,
                                                                      std::int64_t until) override;
  std::expected<std::optional<int>, core::StoreError> announce_promo(const std::string& store,
                                                                     const std::string& promo_id,
                                                                     domain::LocalDate from,
                                                                     const std::string& data_json) override;
  std::expected<int, core::StoreError> alert_dead_letters(std::int64_t now, std::int64_t min_gap_s) override;

 private:
  PgSession session_;
};

}  // namespace setia::adapters::postgres
