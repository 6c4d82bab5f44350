#pragma once

// Fakes of the ports the points, rewards, promos and scheduler services
// use, and a clock that tests move. No I/O.

#include <deque>
#include <map>
#include <set>
#include <vector>

#include <gtest/gtest.h>

#include "core/ports/clock.h"
#include "core/ports/job_lock.h"
#include "core/ports/member_store.h"
#include "core/ports/offer_store.h"
#include "core/ports/points_store.h"
#include "rules/loader.h"
#include "tests/fakes/manual_clock.h"

namespace setia::core::test {

using ::setia::test::ManualClock;

class FakeMembers final : public MemberStore {
 public:
  std::map<std::string, domain::Member> by_code;
  void add(const std::string& code, const std::string& store, domain::Points points = 0) {
    by_code[code] = domain::Member{.id = static_cast<long long>(by_code.size() + 1), .store_id = store, .code = code,
                                   .name = "Ocha", .phone = "081211110001", .email = {}, .birth_date = {},
                                   .points = points, .created_at = {}};
  }
  std::expected<domain::Member, InsertFailure> insert(const domain::Member& m,
                                                     const std::optional<std::string>&) override {
    return m;
  }
  std::expected<std::optional<domain::Member>, StoreError> find_by_code(const std::string& code) override {
    auto it = by_code.find(code);
    if (it == by_code.end()) return std::nullopt;
    return it->second;
  }
};

// Answers each redeem / claim with the next scripted status (issued when
// the script is empty) and remembers what it was asked.
class FakeOffers final : public OfferStore {
 public:
  std::deque<OfferOutcome::Status> script;
  std::vector<RedeemCommand> redeems;
  std::vector<ClaimCommand> claims;
  OfferCounts counts;
  bool down = false;

  std::expected<OfferOutcome, StoreError> redeem(const RedeemCommand& cmd) override {
    redeems.push_back(cmd);
    return answer(cmd.voucher, cmd.store_id, cmd.member_code);
  }
  std::expected<OfferOutcome, StoreError> claim(const ClaimCommand& cmd) override {
    claims.push_back(cmd);
    return answer(cmd.voucher, cmd.store_id, cmd.member_code);
  }
  std::expected<OfferCounts, StoreError> reward_counts(const std::string&) override { return counts; }
  std::expected<OfferCounts, StoreError> promo_counts(const std::string&, const std::string& member) override {
    OfferCounts c = counts;
    if (member.empty()) c.by_member.clear();
    return c;
  }

 private:
  std::expected<OfferOutcome, StoreError> answer(const OfferVoucher& v, const std::string& store,
                                                 const std::string& member) {
    if (down) return std::unexpected(StoreError{StoreError::Kind::transient, "connection refused"});
    OfferOutcome o;
    if (!script.empty()) {
      o.status = script.front();
      script.pop_front();
    }
    o.voucher.code = v.code;
    o.voucher.store_id = store;
    o.voucher.member_code = member;
    o.voucher.title = v.title;
    o.voucher.terms = v.terms;
    o.balance = 42;
    return o;
  }
};

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

// An advisory lock as the database would keep it: `held_elsewhere` names
// the jobs another daemon holds.
class FakeJobLock final : public JobLock {
 public:
  std::set<std::string> held_elsewhere;
  std::set<std::string> mine;
  bool down = false;
  std::expected<bool, StoreError> try_lock(const std::string& job) override {
    if (down) return std::unexpected(StoreError{StoreError::Kind::transient, "connection refused"});
    if (held_elsewhere.contains(job) || mine.contains(job)) return false;
    mine.insert(job);
    return true;
  }
  void unlock(const std::string& job) override { mine.erase(job); }
};

// A rule book of one store's rule file (which must load).
inline std::shared_ptr<const rules::RuleBook> book_of(const std::string& yaml) {
  auto rs = rules::load_rule_text(yaml, "test.yaml");
  EXPECT_TRUE(rs.has_value()) << (rs ? "" : rs.error()[0].to_string());
  auto book = std::make_shared<rules::RuleBook>();
  if (rs) {
    auto set = std::make_shared<const rules::RuleSet>(std::move(*rs));
    book->by_store[set->store] = set;
    book->version = "test";
  }
  return book;
}

}  // namespace setia::core::test
