#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>

#include "core/ports/page.h"
#include "core/ports/store_error.h"

namespace setia::core {

// The messages the pipeline could not apply (rejected, undecodable), kept
// as received so that an admin can read them and replay one. Times are unix
// seconds. Each call is one statement. Not thread-safe: one per thread.

struct DeadLetterRow {
  long long id = 0;
  std::optional<std::string> store_id, event_id;
  std::string topic, reason, detail;
  std::string payload;  // as received (bytes)
  std::int64_t at = 0;
  std::optional<std::int64_t> replayed_at;
  std::optional<std::string> replay_result;  // JSON
};

class DeadLetterStore {
 public:
  virtual ~DeadLetterStore() = default;

  // `store_id` none: every store. Newest first (cursor: id).
  virtual std::expected<Page<DeadLetterRow>, StoreError> dead_letters(const std::optional<std::string>& store_id,
                                                                      const PageRequest& page) = 0;
  virtual std::expected<std::optional<DeadLetterRow>, StoreError> dead_letter(
      long long id, const std::optional<std::string>& store_id) = 0;
  // Forgets the rejected claim of (store, event_id), so that a replay is
  // decided again; an applied claim is never touched.
  virtual std::expected<void, StoreError> release_rejected_claim(const std::string& store_id,
                                                                 const std::string& event_id) = 0;
  virtual std::expected<void, StoreError> mark_replayed(long long id, const std::string& result_json) = 0;
  // Deletes at most `limit` dead letters received before `before` (the
  // oldest first), in every store; returns how many it deleted. The claims
  // in events stay: a late copy of the message still gets its result.
  virtual std::expected<long long, StoreError> purge_received_before(std::int64_t before, int limit) = 0;
};

}  // namespace setia::core
