#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/domain/refund.h"
#include "core/domain/rejection.h"
#include "core/domain/sale.h"
#include "core/ports/store_error.h"

namespace setia::core {

// A validated sale and what the rules decided for it.
struct SaleCommand {
  const domain::Sale& sale;
  std::string_view raw_payload;
  std::string_view topic;
  domain::Points points = 0;
  std::string ruleset_version;
  std::vector<std::string> rule_ids;
  std::optional<std::int64_t> expires_at_unix;  // when the earned points expire (rules' points.expiry)
};

// A message refused before it reached the store's rules. `store` and
// `event_id` are known when they could be read; with an event id the event
// is claimed, so that a duplicate gets the same rejection.
struct RejectCommand {
  std::optional<std::string> store;
  std::string_view topic;
  std::string_view raw_payload;
  const domain::Rejection& rejection;
};

// What the store decided, committed. `result_json` is setia.pos.result/1
// (empty when the message had no readable event id).
struct StoredOutcome {
  std::string result_json;
  bool duplicate = false;  // the event had been decided before
  bool rejected = false;
  std::string reason;      // when rejected
  std::string detail;
  bool parked = false;           // a refund waiting for its sale: nothing to publish yet
  bool parked_refunds = false;   // a sale for which refunds wait
  bool stale = false;            // a refund planned on data that changed: plan again
};

// What deciding a refund needs from the store.
struct RefundPlan {
  enum class State { decided, no_sale, ready };
  State state = State::no_sale;
  StoredOutcome decided;        // State::decided: the stored result (a duplicate)
  long long sale_id = 0;
  std::string sale_json;        // the sale as {store_id, receipt_no, occurred_at, subtotal, total, items}
  long long refunded = 0;       // refunded on the sale so far
  domain::Points points_earned = 0, points_reversed = 0;
  bool member = false;
};

struct RefundCommand {
  const domain::Refund& refund;
  std::string_view raw_payload;
  std::string_view topic;
  long long sale_id = 0;
  long long expected_refunded = 0;  // the plan's view; the store refuses (stale) when it moved
  domain::Points reversal = 0;      // points the refunded amount no longer earns
};

// A refund that waits for its sale, as it was received.
struct ParkedRefund {
  std::string store, event_id, topic, payload;
};

// The ledger of what the POS sends: sales, refunds (parked until their sale
// comes), rejections, each event kept once with its result; and the
// answers to lookups. Each call is one committed transaction: nothing it
// did is visible unless it returned a value.
class PosLedger {
 public:
  virtual ~PosLedger() = default;
  virtual std::expected<StoredOutcome, StoreError> apply_sale(const SaleCommand& cmd) = 0;
  virtual std::expected<StoredOutcome, StoreError> reject(const RejectCommand& cmd) = 0;

  virtual std::expected<RefundPlan, StoreError> plan_refund(const domain::Refund& refund) = 0;
  // Newly or still parked: an outcome with `parked` and no result.
  virtual std::expected<StoredOutcome, StoreError> park_refund(const domain::Refund& refund,
                                                               std::string_view raw_payload,
                                                               std::string_view topic) = 0;
  virtual std::expected<StoredOutcome, StoreError> apply_refund(const RefundCommand& cmd) = 0;
  // Parked refunds of one receipt (after its sale), or parked longer than
  // `older_than_s`.
  virtual std::expected<std::vector<ParkedRefund>, StoreError> parked_refunds(
      const std::optional<std::pair<std::string, std::string>>& store_receipt, std::optional<int> older_than_s) = 0;
  // Rejects a refund parked too long; an outcome without result when it was
  // applied meanwhile.
  virtual std::expected<StoredOutcome, StoreError> reject_parked_refund(const std::string& store,
                                                                        const std::string& event_id, int timeout_s) = 0;

  // The reply (setia.pos.lookup-reply/1) to a POS lookup. Changes nothing.
  virtual std::expected<std::string, StoreError> lookup(const domain::Lookup& q) = 0;
};

}  // namespace setia::core
