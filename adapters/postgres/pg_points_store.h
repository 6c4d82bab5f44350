#pragma once

#include "adapters/postgres/pg_session.h"
#include "core/ports/points_store.h"

namespace setia::adapters::postgres {

// core::PointsStore over the functions of migrations/0005.
class PgPointsStore final : public core::PointsStore {
 public:
  explicit PgPointsStore(std::string conninfo) : session_(std::move(conninfo)) {}

  // core::PointsStore
  std::expected<std::optional<core::PointsAccount>, core::StoreError> account(const std::string& member_code) override;
  std::expected<std::vector<core::PointsEntry>, core::StoreError> history(const std::string& member_code, int limit,
                                                                          std::optional<long long> before_id) override;
  std::expected<core::AdjustOutcome, core::StoreError> adjust(const core::AdjustCommand& cmd) override;
  std::expected<core::ExpiryBatch, core::StoreError> expire_due(std::int64_t now,
                                                                const std::optional<std::string>& store_id,
                                                                int limit) override;

 private:
  PgSession session_;
};

// A ledger row with its sources as one JSON text per row: `kPointsEntryJson`
// selects it over points_ledger l (the caller adds its WHERE), and
// points_entry_from_json reads it. Shared with PgMemberDataStore.
extern const char* const kPointsEntryJson;
core::PointsEntry points_entry_from_json(const std::string& text);

}  // namespace setia::adapters::postgres
