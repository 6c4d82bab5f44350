#include "adapters/postgres/pg_pos_ledger.h"

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
    out.stale = j.value("stale", false);
    // Internal flags of the store functions never reach the POS.
    if (j.contains("_parked_refunds")) {
      out.parked_refunds = true;
      j.erase("_parked_refunds");
      result_json = j.dump();
    }
  }
  out.result_json = out.stale ? std::string() : std::move(result_json);
  return out;
}

std::expected<core::StoredOutcome, core::StoreError> PgPosLedger::apply_sale(const core::SaleCommand& cmd) {
  SaleBinds& b = sale_;
  b.store = cmd.sale.store_id;
  b.event_id = cmd.sale.event_id;
  b.sale.assign(cmd.raw_payload);
  b.topic.assign(cmd.topic);
  b.raw_hex = to_hex(cmd.raw_payload);
  b.ruleset = cmd.ruleset_version;
  b.rule_ids = pg_text_array(cmd.rule_ids);
  b.points = cmd.points;
  b.expiry = cmd.expires_at_unix.value_or(0);
  b.expiry_ind = cmd.expires_at_unix ? soci::i_ok : soci::i_null;
  auto done = session_.run([&](soci::session&) {
    session_
        .prepared(kApplySale,
                  [&](soci::session& sql) {
                    return soci::statement(
                        (sql.prepare << "SELECT setia_apply_sale(:store, :event_id, CAST(:sale AS jsonb), :points, "
                                        ":ruleset, CAST(:rule_ids AS text[]), to_timestamp(:expiry), :topic, :raw)::text",
                         soci::use(b.store), soci::use(b.event_id), soci::use(b.sale), soci::use(b.points),
                         soci::use(b.ruleset), soci::use(b.rule_ids), soci::use(b.expiry, b.expiry_ind),
                         soci::use(b.topic), soci::use(b.raw_hex), soci::into(b.result)));
                  })
        .execute(true);
  });
  if (!done) return std::unexpected(done.error());
  return outcome_from_result(std::move(b.result));
}

std::expected<core::StoredOutcome, core::StoreError> PgPosLedger::reject(const core::RejectCommand& cmd) {
  RejectBinds& b = reject_;
  b.store = cmd.store.value_or("");
  b.event_id = cmd.rejection.event_id.value_or("");
  b.store_ind = cmd.store ? soci::i_ok : soci::i_null;
  b.event_ind = cmd.rejection.event_id ? soci::i_ok : soci::i_null;
  b.reason = domain::reason_code(cmd.rejection.reason);
  b.detail = cmd.rejection.detail;
  b.topic.assign(cmd.topic);
  b.raw_hex = to_hex(cmd.raw_payload);
  auto done = session_.run([&](soci::session&) {
    session_
        .prepared(kReject,
                  [&](soci::session& sql) {
                    return soci::statement(
                        (sql.prepare << "SELECT setia_reject_event(:store, :event_id, :reason, :detail, :topic, :raw)::text",
                         soci::use(b.store, b.store_ind), soci::use(b.event_id, b.event_ind), soci::use(b.reason),
                         soci::use(b.detail), soci::use(b.topic), soci::use(b.raw_hex), soci::into(b.result)));
                  })
        .execute(true);
  });
  if (!done) return std::unexpected(done.error());
  auto outcome = outcome_from_result(std::move(b.result));
  // Without a store and an event id there is no result to send, only the
  // dead letter.
  if (!cmd.store || !cmd.rejection.event_id) outcome.result_json.clear();
  outcome.rejected = true;
  return outcome;
}

}  // namespace setia::adapters::postgres

namespace setia::adapters::postgres {

std::expected<core::RefundPlan, core::StoreError> PgPosLedger::plan_refund(const domain::Refund& refund) {
  std::string text;
  auto done = session_.run([&](soci::session& sql) {
    sql << "SELECT setia_plan_refund(:s, :e, :r)::text", soci::use(refund.store_id), soci::use(refund.event_id),
        soci::use(refund.receipt_no), soci::into(text);
  });
  if (!done) return std::unexpected(done.error());
  auto j = nlohmann::json::parse(text);
  core::RefundPlan plan;
  if (j.contains("decided")) {
    plan.state = core::RefundPlan::State::decided;
    plan.decided = outcome_from_result(j["decided"].dump());
  } else if (j.contains("no_sale")) {
    plan.state = core::RefundPlan::State::no_sale;
  } else {
    plan.state = core::RefundPlan::State::ready;
    plan.sale_id = j["sale_id"];
    plan.refunded = j["refunded"];
    plan.points_earned = j["points_earned"];
    plan.points_reversed = j["points_reversed"];
    plan.member = j["member"];
    plan.sale_json = j["sale"].dump();
  }
  return plan;
}

std::expected<core::StoredOutcome, core::StoreError> PgPosLedger::park_refund(const domain::Refund& refund,
                                                                              std::string_view raw_payload,
                                                                              std::string_view topic) {
  std::string text, t(topic), raw = to_hex(raw_payload);
  soci::indicator ind = soci::i_null;
  auto done = session_.run([&](soci::session& sql) {
    sql << "SELECT setia_park_refund(:s, :e, :t, :p)::text", soci::use(refund.store_id), soci::use(refund.event_id),
        soci::use(t), soci::use(raw), soci::into(text, ind);
  });
  if (!done) return std::unexpected(done.error());
  if (ind != soci::i_ok) return core::StoredOutcome{.parked = true};
  return outcome_from_result(std::move(text));
}

std::expected<core::StoredOutcome, core::StoreError> PgPosLedger::apply_refund(const core::RefundCommand& cmd) {
  nlohmann::json refund = {
      {"amount", cmd.refund.amount}, {"occurred_at", cmd.refund.occurred_at}, {"receipt_no", cmd.refund.receipt_no}};
  if (cmd.refund.reason) refund["reason"] = *cmd.refund.reason;
  std::string text, body = refund.dump(), topic(cmd.topic), raw = to_hex(cmd.raw_payload);
  long long sale_id = cmd.sale_id, expected = cmd.expected_refunded, reversal = cmd.reversal;
  auto done = session_.run([&](soci::session& sql) {
    sql << "SELECT setia_apply_refund(:s, :e, CAST(:b AS jsonb), :sale, :exp, :rev, :t, :p)::text",
        soci::use(cmd.refund.store_id), soci::use(cmd.refund.event_id), soci::use(body), soci::use(sale_id),
        soci::use(expected), soci::use(reversal), soci::use(topic), soci::use(raw), soci::into(text);
  });
  if (!done) return std::unexpected(done.error());
  return outcome_from_result(std::move(text));
}

std::expected<std::vector<core::ParkedRefund>, core::StoreError> PgPosLedger::parked_refunds(
    const std::optional<std::pair<std::string, std::string>>& store_receipt, std::optional<int> older_than_s) {
  std::vector<core::ParkedRefund> out;
  std::string store = store_receipt ? store_receipt->first : "", receipt = store_receipt ? store_receipt->second : "";
  soci::indicator store_i = store_receipt ? soci::i_ok : soci::i_null,
                  timeout_i = older_than_s ? soci::i_ok : soci::i_null;
  int timeout_s = older_than_s.value_or(0);
  auto done = session_.run([&](soci::session& sql) {
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT store_id, event_id, topic, payload_hex FROM "
                        "setia_parked_refunds(:s, :r, :m)",
         soci::use(store, store_i), soci::use(receipt, store_i), soci::use(timeout_s, timeout_i));
    for (const auto& r : rows) {
      core::ParkedRefund p{r.get<std::string>(0), r.get<std::string>(1), r.get<std::string>(2), ""};
      const auto hex = r.get<std::string>(3);
      for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
        p.payload.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
      out.push_back(std::move(p));
    }
  });
  if (!done) return std::unexpected(done.error());
  return out;
}

std::expected<core::StoredOutcome, core::StoreError> PgPosLedger::reject_parked_refund(const std::string& store,
                                                                                       const std::string& event_id,
                                                                                       int timeout_s) {
  std::string text;
  soci::indicator ind = soci::i_null;
  auto done = session_.run([&](soci::session& sql) {
    sql << "SELECT setia_reject_parked_refund(:s, :e, :m)::text", soci::use(store), soci::use(event_id),
        soci::use(timeout_s), soci::into(text, ind);
  });
  if (!done) return std::unexpected(done.error());
  if (ind != soci::i_ok) return core::StoredOutcome{};
  return outcome_from_result(std::move(text));
}

std::expected<std::string, core::StoreError> PgPosLedger::lookup(const domain::Lookup& q) {
  std::string text, member = q.member.value_or(""), voucher = q.voucher.value_or("");
  soci::indicator member_i = q.member ? soci::i_ok : soci::i_null, voucher_i = q.voucher ? soci::i_ok : soci::i_null;
  auto done = session_.run([&](soci::session& sql) {
    sql << "SELECT setia_lookup(:s, :m, :v, CAST(:b AS jsonb))::text", soci::use(q.store_id),
        soci::use(member, member_i), soci::use(voucher, voucher_i), soci::use(q.basket_json), soci::into(text);
  });
  if (!done) return std::unexpected(done.error());
  return text;
}

}  // namespace setia::adapters::postgres
