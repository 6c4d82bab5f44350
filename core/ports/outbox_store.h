#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <vector>

#include "core/ports/store_error.h"

namespace setia::core {

// One claimed delivery: a notification to one device or FCM topic, with
// what its texts are rendered from.
struct OutboxItem {
  long long id = 0;
  long long notification_id = 0;
  std::string device_token;  // or
  std::string fcm_topic;
  int attempts = 0;          // including this one
  std::string store_id;
  std::string kind;          // sale_points, ...
  std::string data_json;
  std::string lang = "id";   // the member's language: id | en
  std::string member_name;
};

// A delivery as operators list it (setiactl outbox list). Times are unix
// seconds.
struct OutboxRow {
  long long id = 0;
  long long notification_id = 0;
  std::string kind, store_id;
  std::optional<std::string> device_token, fcm_topic;
  std::string status;  // pending | sent | dead
  int attempts = 0;
  std::int64_t next_attempt_at = 0;
  std::optional<std::string> last_error;
  std::optional<std::int64_t> sent_at;
};

// The outbox as the dispatcher sees it, and as operators look after it.
// One instance per worker thread. A row is named by its store and id (the
// store an OutboxItem came with), so that each statement names the store
// (docs/operations.md, "Distributing by store").
class OutboxStore {
 public:
  virtual ~OutboxStore() = default;
  // Due rows, leased for `lease` so that no other worker takes them.
  virtual std::expected<std::vector<OutboxItem>, StoreError> claim(int limit, std::chrono::seconds lease) = 0;
  virtual std::expected<void, StoreError> mark_sent(const std::string& store_id, long long id) = 0;
  virtual std::expected<void, StoreError> mark_retry(const std::string& store_id, long long id,
                                                     std::chrono::seconds delay, const std::string& error) = 0;
  virtual std::expected<void, StoreError> mark_dead(const std::string& store_id, long long id,
                                                    const std::string& error) = 0;
  // The device token is dead: forget it, and end its pending deliveries, in
  // `store_id`; without one (an operator who knows only the token), in
  // every store.
  virtual std::expected<void, StoreError> drop_device(const std::optional<std::string>& store_id,
                                                      const std::string& token, const std::string& error) = 0;

  // Operators: deliveries newest first, of one status or all.
  virtual std::expected<std::vector<OutboxRow>, StoreError> list(const std::optional<std::string>& status,
                                                                 int limit) = 0;
  // A dead delivery is pending again, its attempts starting over; false
  // when `id` is no dead delivery.
  virtual std::expected<bool, StoreError> replay(long long id) = 0;
};

}  // namespace setia::core
