#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <vector>

#include "core/domain/money.h"
#include "core/ports/store_error.h"

namespace setia::core {

// A lot: points one ledger row added (an earn, a positive adjustment) that
// spending and expiry have not taken yet.
struct PointsLot {
  long long id = 0;
  domain::Points remaining = 0;
  std::optional<std::int64_t> expires_at;  // unix seconds; none: never
};

// A member's points as the store holds them.
struct PointsAccount {
  long long member_id = 0;
  std::string member_code;
  std::string store_id;
  domain::Points balance = 0;
  std::vector<PointsLot> open_lots;  // remaining > 0, soonest expiring first
};

// One ledger row and where it came from, for "why do I have these points?".
struct PointsEntry {
  long long id = 0;
  std::string kind;          // earn | redeem | expire | reverse | adjust
  domain::Points points = 0; // signed: what it did to the balance
  std::int64_t at = 0;       // recorded, unix seconds
  std::string store_id;
  std::optional<std::string> receipt_no;       // earn, reverse: the sale
  std::optional<std::string> ruleset_version;  // earn: the rules that gave it
  std::vector<std::string> rule_ids;           // earn: which rules
  std::optional<std::string> reward_id;        // redeem: what it bought
  std::optional<std::string> voucher_code;     // redeem: the voucher it became
  std::optional<long long> lot_id;             // expire: the lot it closed
  std::optional<std::int64_t> expires_at;      // a lot: when it expires
  std::optional<domain::Points> remaining;     // a lot: what is left of it
  std::optional<std::string> reason, actor;    // adjust: the audit
};

struct AdjustCommand {
  std::string member_code;
  domain::Points delta = 0;
  std::string reason;
  std::string actor;
  std::optional<std::int64_t> expires_at;  // a positive delta's lot; none: never
};

struct AdjustOutcome {
  enum class Status { adjusted, no_such_member, insufficient_points };
  Status status = Status::adjusted;
  long long adjustment_id = 0;
  domain::Points before = 0, after = 0;  // after: the balance when refused
};

// What one expiry batch closed.
struct ExpiryBatch {
  long long lots = 0;
  domain::Points points = 0;
};

// The points ledger: balances, lots, history, adjustments and expiry. Each
// call is one committed transaction. Not thread-safe: one per thread.
class PointsStore {
 public:
  virtual ~PointsStore() = default;
  virtual std::expected<std::optional<PointsAccount>, StoreError> account(const std::string& member_code) = 0;
  // Newest first, rows with id < before_id when given.
  virtual std::expected<std::vector<PointsEntry>, StoreError> history(const std::string& member_code, int limit,
                                                                      std::optional<long long> before_id) = 0;
  virtual std::expected<AdjustOutcome, StoreError> adjust(const AdjustCommand& cmd) = 0;
  // Closes at most `limit` lots that expired by `now` (unix seconds), in
  // `store_id` or everywhere.
  virtual std::expected<ExpiryBatch, StoreError> expire_due(std::int64_t now,
                                                            const std::optional<std::string>& store_id, int limit) = 0;
};

}  // namespace setia::core
