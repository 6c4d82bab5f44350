#pragma once

// A PosLedger that records its calls and answers from a script of
// failures first (the pipeline unit tests).

#include <deque>
#include <set>
#include <string>
#include <vector>
#include "core/ports/pos_ledger.h"

namespace setia::core::fakes {

// Store double: records calls, answers from a script of errors first.
class FakeLedger final : public PosLedger {
 public:
  std::deque<StoreError> failures;  // returned (and popped) before any success
  std::vector<SaleCommand> sales;
  std::vector<std::string> sale_points;
  std::vector<std::pair<std::optional<std::string>, domain::Reason>> rejects;
  std::set<std::string> claimed;

  std::expected<StoredOutcome, StoreError> apply_sale(const SaleCommand& cmd) override {
    if (!failures.empty()) {
      auto f = failures.front();
      failures.pop_front();
      return std::unexpected(f);
    }
    sale_points.push_back(cmd.sale.event_id + ":" + std::to_string(cmd.points));
    bool dup = !claimed.insert(cmd.sale.event_id).second;
    return StoredOutcome{.result_json = "{\"event_id\":\"" + cmd.sale.event_id + "\"}", .duplicate = dup};
  }

  std::expected<StoredOutcome, StoreError> reject(const RejectCommand& cmd) override {
    if (!failures.empty()) {
      auto f = failures.front();
      failures.pop_front();
      return std::unexpected(f);
    }
    rejects.emplace_back(cmd.rejection.event_id, cmd.rejection.reason);
    bool dup = cmd.rejection.event_id && !claimed.insert(*cmd.rejection.event_id).second;
    StoredOutcome o{.duplicate = dup,
                    .rejected = true,
                    .reason = std::string(domain::reason_code(cmd.rejection.reason)),
                    .detail = cmd.rejection.detail};
    if (cmd.store && cmd.rejection.event_id) o.result_json = "{\"status\":\"rejected\"}";
    return o;
  }

  // Refunds: one sale "R1" of Rp 52.000 that earned 52 points, once it exists.
  bool sale_exists = false;
  long long refunded = 0, reversed = 0;
  std::vector<std::pair<std::string, long long>> refunds;  // event id, reversal
  std::vector<std::string> parked;
  int stale_answers = 0;  // apply_refund answers stale this many times first

  std::expected<RefundPlan, StoreError> plan_refund(const domain::Refund& r) override {
    RefundPlan p;
    if (!sale_exists) return p;
    p.state = RefundPlan::State::ready;
    p.sale_id = 1;
    p.refunded = refunded;
    p.points_earned = 52;
    p.points_reversed = reversed;
    p.member = true;
    p.sale_json = R"({"store_id": "marikh-salatiga", "receipt_no": "R1", "occurred_at": "2020-05-27T11:11:00+07:00",
                      "subtotal": 52000, "total": 52000,
                      "items": [{"sku": "NC-01", "name": "Nasi Cakalang", "qty": 4, "unit_price": 13000, "category": "food"}]})";
    (void)r;
    return p;
  }
  std::expected<StoredOutcome, StoreError> park_refund(const domain::Refund& r, std::string_view,
                                                       std::string_view) override {
    parked.push_back(r.event_id);
    return StoredOutcome{.parked = true};
  }
  std::expected<StoredOutcome, StoreError> apply_refund(const RefundCommand& cmd) override {
    if (stale_answers > 0) {
      --stale_answers;
      refunded += 1000;  // someone else refunded meanwhile
      return StoredOutcome{.stale = true};
    }
    refunded += cmd.refund.amount;
    reversed += cmd.reversal;
    refunds.emplace_back(cmd.refund.event_id, cmd.reversal);
    return StoredOutcome{.result_json = "{\"status\":\"applied\"}"};
  }
  std::expected<std::vector<ParkedRefund>, StoreError> parked_refunds(
      const std::optional<std::pair<std::string, std::string>>&, std::optional<int>) override {
    return std::vector<ParkedRefund>{};
  }
  std::expected<StoredOutcome, StoreError> reject_parked_refund(const std::string&, const std::string&, int) override {
    return StoredOutcome{};
  }
  std::vector<std::string> lookups;
  std::expected<std::string, StoreError> lookup(const domain::Lookup& q) override {
    lookups.push_back(q.basket_json);
    return std::string(R"({"schema":"setia.pos.lookup-reply/1","ok":true})");
  }
};

}  // namespace setia::core::fakes
