#include "core/services/points.h"

#include <algorithm>
#include <cctype>

#include "core/services/store_time_text.h"
#include "rules/expiry.h"

namespace setia::core {
namespace {

using Kind = ServiceError::Kind;

std::unexpected<ServiceError> store_down(const StoreError& e) { return fail(Kind::unavailable, e.message); }

constexpr domain::Points kMaxAdjust = 1'000'000'000;

}  // namespace

std::int64_t unix_seconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

std::expected<ExpiryRun, ServiceError> expire_points(PointsStore& store, std::chrono::system_clock::time_point now,
                                                     const std::optional<std::string>& store_id, int batch) {
  ExpiryRun run;
  const std::int64_t at = unix_seconds(now);
  for (;;) {
    auto b = store.expire_due(at, store_id, batch);
    if (!b) return store_down(b.error());
    ++run.batches;
    run.lots += b->lots;
    run.points += b->points;
    if (b->lots < batch) return run;
  }
}

std::optional<PointsExpiring> soonest_expiring(const std::vector<PointsLot>& lots, const rules::RuleSet* rules) {
  std::optional<std::int64_t> first;
  for (const auto& l : lots) {
    if (l.remaining > 0 && l.expires_at && (!first || *l.expires_at < *first)) first = l.expires_at;
  }
  if (!first) return std::nullopt;
  PointsExpiring out{.points = 0, .on = store_date_text(*first, rules), .first = *first};
  for (const auto& l : lots) {
    if (l.remaining > 0 && l.expires_at && store_date_text(*l.expires_at, rules) == out.on) out.points += l.remaining;
  }
  return out;
}

std::expected<PointsSummary, ServiceError> PointsLedger::summary(const std::string& member_code) {
  auto acc = store_.account(member_code);
  if (!acc) return store_down(acc.error());
  if (!*acc) return fail(Kind::not_found, "no member " + member_code, "no_such_member");
  auto book = rules_();
  const rules::RuleSet* rs = book ? book->for_store((*acc)->store_id) : nullptr;
  return PointsSummary{.member_code = (*acc)->member_code,
                       .store_id = (*acc)->store_id,
                       .balance = (*acc)->balance,
                       .expiring = soonest_expiring((*acc)->open_lots, rs)};
}

std::expected<PointsHistoryPage, ServiceError> PointsLedger::history(const std::string& member_code, int limit,
                                                                     std::optional<long long> before) {
  if (limit < 1 || limit > 200) return fail(Kind::invalid, "limit must be 1 to 200");
  auto acc = store_.account(member_code);
  if (!acc) return store_down(acc.error());
  if (!*acc) return fail(Kind::not_found, "no member " + member_code, "no_such_member");
  // One row more than asked tells whether there is a next page.
  auto rows = store_.history(member_code, limit + 1, before);
  if (!rows) return store_down(rows.error());
  auto book = rules_();
  const rules::RuleSet* rs = book ? book->for_store((*acc)->store_id) : nullptr;
  PointsHistoryPage page;
  for (auto& e : *rows) {
    if (static_cast<int>(page.items.size()) == limit) {
      page.next_cursor = page.items.back().entry.id;
      break;
    }
    PointsHistoryItem item{.entry = std::move(e), .at = {}, .expires_at = {}};
    item.at = store_time_text(item.entry.at, rs);
    if (item.entry.expires_at) item.expires_at = store_time_text(*item.entry.expires_at, rs);
    page.items.push_back(std::move(item));
  }
  return page;
}

std::expected<Adjustment, ServiceError> PointsLedger::adjust(const std::string& member_code, domain::Points delta,
                                                             const std::string& reason, const std::string& actor) {
  if (delta == 0 || delta > kMaxAdjust || delta < -kMaxAdjust) {
    return fail(Kind::invalid, "points must be a whole number from -1000000000 to 1000000000, not 0");
  }
  bool blank = std::all_of(reason.begin(), reason.end(), [](unsigned char c) { return std::isspace(c); });
  if (blank || reason.size() > 500)
    return fail(Kind::invalid, "reason must be 1 to 500 characters: say why, for the audit");
  if (actor.empty() || actor.size() > 200) return fail(Kind::invalid, "actor must be 1 to 200 characters");
  AdjustCommand cmd{.member_code = member_code, .delta = delta, .reason = reason, .actor = actor, .expires_at = {}};
  if (delta > 0) {
    // Added points expire as points earned now would: otherwise a goodwill
    // credit would outlive everything the member earned.
    auto acc = store_.account(member_code);
    if (!acc) return store_down(acc.error());
    if (!*acc) return fail(Kind::not_found, "no member " + member_code, "no_such_member");
    auto book = rules_();
    if (const rules::RuleSet* rs = book ? book->for_store((*acc)->store_id) : nullptr) {
      cmd.expires_at = rules::expiry_instant(*rs, unix_seconds(clock_.now()));
    }
  }
  auto r = store_.adjust(cmd);
  if (!r) return store_down(r.error());
  switch (r->status) {
    case AdjustOutcome::Status::no_such_member:
      return fail(Kind::not_found, "no member " + member_code, "no_such_member");
    case AdjustOutcome::Status::insufficient_points:
      return fail(Kind::rule_says_no,
                  "member " + member_code + " has " + std::to_string(r->after) + " points; taking " +
                      std::to_string(-delta) + " would go below 0",
                  "insufficient_points");
    case AdjustOutcome::Status::adjusted: break;
  }
  return Adjustment{
      .id = r->adjustment_id, .member_code = member_code, .delta = delta, .before = r->before, .after = r->after};
}

std::expected<ExpiryRun, ServiceError> PointsLedger::expire_due(const std::optional<std::string>& store_id) {
  return expire_points(store_, clock_.now(), store_id);
}

}  // namespace setia::core
