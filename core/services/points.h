#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <vector>

#include "core/ports/clock.h"
#include "core/ports/points_store.h"
#include "core/services/rules_source.h"
#include "core/services/service_error.h"

namespace setia::core {

// "120 points expire on 2021-05-31": the lots that expire soonest, summed
// over the store-local day of the first of them.
struct PointsExpiring {
  domain::Points points = 0;
  std::string on;          // YYYY-MM-DD, store-local
  std::int64_t first = 0;  // unix seconds: the first of those lots
};

// What GET /v1/me shows of a member's points.
struct PointsSummary {
  std::string member_code;
  std::string store_id;
  domain::Points balance = 0;
  std::optional<PointsExpiring> expiring;
};

// A ledger row with its times as the store's clock shows them (RFC 3339
// with the store's offset), for GET /v1/me/points and `setiactl points show`.
struct PointsHistoryItem {
  PointsEntry entry;
  std::string at;                          // when it was recorded
  std::optional<std::string> expires_at;   // a lot, or the lot an expire row closed
};

struct PointsHistoryPage {
  std::vector<PointsHistoryItem> items;    // newest first
  std::optional<long long> next_cursor;    // pass back as `before` for the next page
};

struct Adjustment {
  long long id = 0;
  std::string member_code;
  domain::Points delta = 0, before = 0, after = 0;
};

// What one run of points expiry closed.
struct ExpiryRun {
  long long lots = 0;
  domain::Points points = 0;
  int batches = 0;
};

// Closes every lot that expired by `now` (in `store_id` or everywhere), in
// batches of `batch` lots, each its own short transaction, until none is
// left: a run after days of downtime catches up at once. Idempotent. The
// scheduler's points expiry job is this function at the scheduler's clock.
std::expected<ExpiryRun, ServiceError> expire_points(PointsStore& store, std::chrono::system_clock::time_point now,
                                                     const std::optional<std::string>& store_id = std::nullopt,
                                                     int batch = 500);

// The soonest expiring of `lots` (any order), summed over the store-local
// day of the first of them; none when no lot expires.
std::optional<PointsExpiring> soonest_expiring(const std::vector<PointsLot>& lots, const rules::RuleSet* rules);

// A member's points: balance and what expires next, history, audited admin
// adjustments, expiry. The REST adapter and setiactl call this.
class PointsLedger {
 public:
  PointsLedger(PointsStore& store, RulesSource rules, const Clock& clock)
      : store_(store), rules_(std::move(rules)), clock_(clock) {}

  std::expected<PointsSummary, ServiceError> summary(const std::string& member_code);
  // `limit` 1..200; `before`: the next_cursor of the previous page.
  std::expected<PointsHistoryPage, ServiceError> history(const std::string& member_code, int limit = 50,
                                                         std::optional<long long> before = std::nullopt);
  // An admin's correction by `delta` points (not 0), with why and who. A
  // positive delta is a new lot that expires as points earned now do; a
  // negative one is spent like a redemption and never takes the balance
  // below 0. Every adjustment is kept with its before and after.
  std::expected<Adjustment, ServiceError> adjust(const std::string& member_code, domain::Points delta,
                                                 const std::string& reason, const std::string& actor);
  // expire_points at this ledger's clock.
  std::expected<ExpiryRun, ServiceError> expire_due(const std::optional<std::string>& store_id = std::nullopt);

 private:
  PointsStore& store_;
  RulesSource rules_;
  const Clock& clock_;
};

// Unix seconds of a Clock's instant.
std::int64_t unix_seconds(std::chrono::system_clock::time_point t);

}  // namespace setia::core
