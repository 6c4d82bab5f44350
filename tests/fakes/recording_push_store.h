#pragma once

#include <set>
#include <string>
#include <vector>
#include "core/ports/scheduled_push_store.h"

namespace setia::core::fakes {

// A store whose calls fail, and a record of the calls: the jobs' own logic
// (failures isolated per store, what they remember between runs).
class RecordingPushStore final : public ScheduledPushStore {
 public:
  std::vector<std::string> stores_with_members;
  std::string failing;  // the store whose calls fail
  int member_store_calls = 0;
  std::vector<std::string> reminded;  // "store day"
  std::vector<std::string> announced;  // "store promo"
  std::set<std::string> done;          // what the database would have recorded

  bool failing_member_stores = false;
  std::expected<std::vector<std::string>, StoreError> member_stores() override {
    ++member_store_calls;
    if (failing_member_stores) return std::unexpected(StoreError{StoreError::Kind::transient, "connection lost"});
    return stores_with_members;
  }
  std::expected<std::optional<int>, StoreError> remind_expiring(const std::string& store, const std::string&,
                                                                domain::LocalDate day, std::int64_t,
                                                                std::int64_t) override {
    if (store == failing) return std::unexpected(StoreError{StoreError::Kind::transient, "connection lost"});
    reminded.push_back(store + " " + day.to_string());
    if (!done.insert("r " + store + " " + day.to_string()).second) return std::nullopt;
    return 1;
  }
  std::expected<std::optional<int>, StoreError> announce_promo(const std::string& store, const std::string& promo,
                                                               domain::LocalDate, const std::string&) override {
    if (store == failing) return std::unexpected(StoreError{StoreError::Kind::transient, "connection lost"});
    announced.push_back(store + " " + promo);
    if (!done.insert("p " + store + " " + promo).second) return std::nullopt;
    return 2;
  }
  std::expected<int, StoreError> alert_dead_letters(std::int64_t, std::int64_t) override { return 0; }
};

}  // namespace setia::core::fakes
