#pragma once

#include "adapters/postgres/pg_session.h"
#include "core/ports/store.h"

namespace setia::adapters::postgres {

// core::Store on PostgreSQL: each call is one statement in autocommit (the
// server-side functions of migrations/0002), so one round trip and one
// commit per event.
class PgStore final : public core::Store {
 public:
  explicit PgStore(std::string conninfo) : session_(std::move(conninfo)) {}

  // core::Store
  std::expected<core::StoredOutcome, core::StoreError> apply_sale(const core::SaleCommand& cmd) override;
  std::expected<core::StoredOutcome, core::StoreError> reject(const core::RejectCommand& cmd) override;

 private:
  PgSession session_;
};

// Reads the status fields of a setia.pos.result/1 document into an outcome.
core::StoredOutcome outcome_from_result(std::string result_json);

// A PostgreSQL text[] literal: {"a","b"}.
std::string pg_text_array(const std::vector<std::string>& items);

}  // namespace setia::adapters::postgres
