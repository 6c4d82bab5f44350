#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <vector>

#include "core/domain/civil_date.h"
#include "core/ports/store_error.h"

namespace setia::core {

// The storage of the pushes the scheduler decides on
// (migrations/0010_scheduled_pushes.sql). Each call is one transaction that
// records what it sent under a unique key with the notifications and their
// outbox rows, so a repeated call sends nothing twice.
class ScheduledPushStore {
 public:
  virtual ~ScheduledPushStore() = default;
  // Every store that has members (for the default rule file "*").
  virtual std::expected<std::vector<std::string>, StoreError> member_stores() = 0;
  // The reminders of `store` for its local `day`, once: one
  // 'points_expiring' notification per member whose lots with points left
  // expire in (now, until] and were never reminded about; `zone` (tz
  // database name) dates the expiry for the text. Returns the members
  // notified, or nullopt when the day's reminders were sent already.
  virtual std::expected<std::optional<int>, StoreError> remind_expiring(const std::string& store,
                                                                        const std::string& zone, domain::LocalDate day,
                                                                        std::int64_t now, std::int64_t until) = 0;
  // A 'promo' notification (`data_json`, an object) to every member of
  // `store`, once per promo and start date. Returns the members notified,
  // or nullopt when this promo was announced already.
  virtual std::expected<std::optional<int>, StoreError> announce_promo(const std::string& store,
                                                                       const std::string& promo_id,
                                                                       domain::LocalDate from,
                                                                       const std::string& data_json) = 0;
  // One 'dead_letters' notification to the admins' FCM topic of each store
  // with dead letters they were not told about and no alert in the last
  // `min_gap_s` seconds. Returns the stores told.
  virtual std::expected<int, StoreError> alert_dead_letters(std::int64_t now, std::int64_t min_gap_s) = 0;
};

}  // namespace setia::core
