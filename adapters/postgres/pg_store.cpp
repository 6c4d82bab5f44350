#include "adapters/postgres/pg_store.h"

#include <nlohmann/json.hpp>

namespace setia::adapters::postgres {

std::string pg_text_array(const std::vector<std::string>& items) {
  std::string out = "{";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    out += '"';
    for (char c : items[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

core::StoredOutcome outcome_from_result(std::string result_json) {
  core::StoredOutcome out;
  auto j = nlohmann::json::parse(result_json, nullptr, false);
  if (j.is_object()) {
    out.duplicate = j.value("duplicate", false);
    out.rejected = j.value("status", "") == "rejected";
    out.reason = j.value("reason", "");
    out.detail = j.value("detail", "");
  }
  out.result_json = std::move(result_json);
  return out;
}

std::expected<core::StoredOutcome, core::StoreError> PgStore::apply_sale(const core::SaleCommand& cmd) {
  std::string result;
  std::string store = cmd.sale.store_id, event_id = cmd.sale.event_id, sale(cmd.raw_payload);
  std::string topic(cmd.topic), raw_hex = to_hex(cmd.raw_payload), ruleset = cmd.ruleset_version;
  std::string rule_ids = pg_text_array(cmd.rule_ids);
  long long points = cmd.points;
  int expiry = cmd.expiry_after_days.value_or(0);
  soci::indicator expiry_ind = cmd.expiry_after_days ? soci::i_ok : soci::i_null;
  auto done = session_.run([&](soci::session& sql) {
    sql << "SELECT setia_apply_sale(:store, :event_id, CAST(:sale AS jsonb), :points, :ruleset, "
           "CAST(:rule_ids AS text[]), :expiry, :topic, :raw)::text",
        soci::use(store), soci::use(event_id), soci::use(sale), soci::use(points), soci::use(ruleset),
        soci::use(rule_ids), soci::use(expiry, expiry_ind), soci::use(topic), soci::use(raw_hex),
        soci::into(result);
  });
  if (!done) return std::unexpected(done.error());
  return outcome_from_result(std::move(result));
}

std::expected<core::StoredOutcome, core::StoreError> PgStore::reject(const core::RejectCommand& cmd) {
  std::string result;
  std::string store = cmd.store.value_or(""), event_id = cmd.rejection.event_id.value_or("");
  soci::indicator store_ind = cmd.store ? soci::i_ok : soci::i_null;
  soci::indicator event_ind = cmd.rejection.event_id ? soci::i_ok : soci::i_null;
  std::string reason(domain::reason_code(cmd.rejection.reason)), detail = cmd.rejection.detail;
  std::string topic(cmd.topic), raw_hex = to_hex(cmd.raw_payload);
  auto done = session_.run([&](soci::session& sql) {
    sql << "SELECT setia_reject_event(:store, :event_id, :reason, :detail, :topic, :raw)::text",
        soci::use(store, store_ind), soci::use(event_id, event_ind), soci::use(reason), soci::use(detail),
        soci::use(topic), soci::use(raw_hex), soci::into(result);
  });
  if (!done) return std::unexpected(done.error());
  auto outcome = outcome_from_result(std::move(result));
  // Without a store and an event id there is no result to send, only the
  // dead letter.
  if (!cmd.store || !cmd.rejection.event_id) outcome.result_json.clear();
  outcome.rejected = true;
  return outcome;
}

}  // namespace setia::adapters::postgres
