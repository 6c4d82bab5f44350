#pragma once

#include <deque>
#include <map>
#include <string>
#include <vector>
#include "core/ports/points_store.h"

namespace setia::core::fakes {

class FakePoints final : public PointsStore {
 public:
  std::map<std::string, PointsAccount> accounts;
  std::vector<AdjustCommand> adjusts;
  AdjustOutcome::Status adjust_status = AdjustOutcome::Status::adjusted;
  long long due_lots = 0;  // lots waiting for expiry, each 10 points
  std::vector<std::pair<std::int64_t, int>> expiry_calls;  // (now, limit)

  std::expected<std::optional<PointsAccount>, StoreError> account(const std::string& code) override {
    auto it = accounts.find(code);
    if (it == accounts.end()) return std::nullopt;
    return it->second;
  }
  std::expected<std::vector<PointsEntry>, StoreError> history(const std::string&, int limit,
                                                              std::optional<long long> before) override {
    std::vector<PointsEntry> out;
    for (long long id = before.value_or(11) - 1; id >= 1 && static_cast<int>(out.size()) < limit; --id) {
      out.push_back(PointsEntry{.id = id, .kind = "earn", .points = 10, .at = 1590944400 + id, .store_id = "s"});
    }
    return out;
  }
  std::expected<AdjustOutcome, StoreError> adjust(const AdjustCommand& cmd) override {
    adjusts.push_back(cmd);
    return AdjustOutcome{.status = adjust_status, .adjustment_id = 7, .before = 100, .after = 100 + cmd.delta};
  }
  std::expected<ExpiryBatch, StoreError> expire_due(std::int64_t now, const std::optional<std::string>&,
                                                    int limit) override {
    expiry_calls.emplace_back(now, limit);
    long long n = std::min<long long>(due_lots, limit);
    due_lots -= n;
    return ExpiryBatch{.lots = n, .points = n * 10};
  }
};

}  // namespace setia::core::fakes
