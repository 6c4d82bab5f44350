#pragma once

#include "adapters/postgres/pg_session.h"
#include "core/ports/dead_letter_store.h"

namespace setia::adapters::postgres {

// core::DeadLetterStore on PostgreSQL (the dead_letters table; a replay
// releases a rejected claim in events). Works on a session it is given (one
// per worker thread, or setiactl's).
class PgDeadLetterStore final : public core::DeadLetterStore {
 public:
  explicit PgDeadLetterStore(PgSession& session) : session_(session) {}

  // core::DeadLetterStore
  std::expected<core::Page<core::DeadLetterRow>, core::StoreError> dead_letters(
      const std::optional<std::string>& store_id, const core::PageRequest& page) override;
  std::expected<std::optional<core::DeadLetterRow>, core::StoreError> dead_letter(
      long long id, const std::optional<std::string>& store_id) override;
  std::expected<void, core::StoreError> release_rejected_claim(const std::string& store_id,
                                                               const std::string& event_id) override;
  std::expected<void, core::StoreError> mark_replayed(long long id, const std::string& result_json) override;
  std::expected<long long, core::StoreError> purge_received_before(std::int64_t before, int limit) override;

 private:
  PgSession& session_;
};

}  // namespace setia::adapters::postgres
