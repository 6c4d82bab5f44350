#pragma once

#include "adapters/postgres/pg_session.h"
#include "core/ports/pos_ledger.h"

namespace setia::adapters::postgres {

// core::PosLedger on PostgreSQL: each call is one statement in autocommit (the
// server-side functions of migrations/0002), so one round trip and one
// commit per event.
class PgPosLedger final : public core::PosLedger {
 public:
  explicit PgPosLedger(std::string conninfo) : session_(std::move(conninfo)) {}

  // core::PosLedger
  std::expected<core::StoredOutcome, core::StoreError> apply_sale(const core::SaleCommand& cmd) override;
  std::expected<core::StoredOutcome, core::StoreError> reject(const core::RejectCommand& cmd) override;
  std::expected<core::RefundPlan, core::StoreError> plan_refund(const domain::Refund& refund) override;
  std::expected<core::StoredOutcome, core::StoreError> park_refund(const domain::Refund& refund,
                                                                   std::string_view raw_payload,
                                                                   std::string_view topic) override;
  std::expected<core::StoredOutcome, core::StoreError> apply_refund(const core::RefundCommand& cmd) override;
  std::expected<std::vector<core::ParkedRefund>, core::StoreError> parked_refunds(
      const std::optional<std::pair<std::string, std::string>>& store_receipt,
      std::optional<int> older_than_s) override;
  std::expected<core::StoredOutcome, core::StoreError> reject_parked_refund(const std::string& store,
                                                                            const std::string& event_id,
                                                                            int timeout_s) override;
  std::expected<std::string, core::StoreError> lookup(const domain::Lookup& q) override;

 private:
  // The values bound to the prepared statements of apply_sale and reject
  // (PgSession::prepared), set before each execution. Declared before
  // session_, so that the statements bound to them go first.
  struct SaleBinds {
    std::string store, event_id, sale, ruleset, rule_ids, topic, raw_hex, result;
    long long points = 0, expiry = 0;
    soci::indicator expiry_ind = soci::i_ok;
  };
  struct RejectBinds {
    std::string store, event_id, reason, detail, topic, raw_hex, result;
    soci::indicator store_ind = soci::i_ok, event_ind = soci::i_ok;
  };
  enum Prepared : std::size_t { kApplySale, kReject };

  SaleBinds sale_;
  RejectBinds reject_;
  PgSession session_;
};

// Reads the status fields of a setia.pos.result/1 document into an outcome.
core::StoredOutcome outcome_from_result(std::string result_json);

// A PostgreSQL text[] literal: {"a","b"}.
std::string pg_text_array(const std::vector<std::string>& items);

}  // namespace setia::adapters::postgres
