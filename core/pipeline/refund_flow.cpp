#include "core/pipeline/refund_flow.h"

#include <nlohmann/json.hpp>

#include "core/pipeline/dead_letter.h"
#include "core/pipeline/pipeline.h"
#include "core/pipeline/refund_decoder.h"
#include "core/pipeline/sale_decoder.h"
#include "rules/evaluator.h"

namespace setia::core {

domain::Points refund_reversal(const rules::RuleSet* rules, const domain::Sale& sale, domain::Money refunded_after,
                               domain::Points earned, domain::Points reversed_so_far) {
  if (!rules || earned <= 0) return 0;
  domain::Sale left = sale;
  left.total = std::max<domain::Money>(sale.total - refunded_after, 0);
  left.subtotal = std::max<domain::Money>(sale.subtotal - refunded_after, 0);
  domain::Points still_earned = std::min(rules::evaluate_points(*rules, left).points, earned);
  return std::max<domain::Points>(earned - reversed_so_far - still_earned, 0);
}

std::optional<domain::Sale> sale_from_plan(const std::string& sale_json) {
  auto j = nlohmann::json::parse(sale_json, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  try {
    domain::Sale s;
    s.store_id = j.at("store_id");
    s.receipt_no = j.at("receipt_no");
    s.occurred_at = j.at("occurred_at");
    s.occurred_at_unix = parse_rfc3339(s.occurred_at).value_or(0);
    s.subtotal = j.at("subtotal");
    s.total = j.at("total");
    // The store writes NULL for a line's missing sku or category.
    auto text = [](const nlohmann::json& line, const char* key) {
      auto it = line.find(key);
      return it != line.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    for (const auto& i : j.at("items")) {
      domain::SaleLine l;
      l.sku = text(i, "sku");
      l.name = text(i, "name");
      l.category = text(i, "category");
      l.qty = i.at("qty");
      l.unit_price = i.at("unit_price");
      s.items.push_back(std::move(l));
    }
    return s;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

Disposition Pipeline::handle_refund(const InboundMessage& msg, const std::string& store) {
  auto refund = decode_refund(store, msg.payload);
  if (!refund) return reject(msg, store, refund.error());
  // Plan, then apply on the plan; another refund of the same sale committed
  // in between makes the apply stale, and we plan again.
  for (int round = 0; round < 10; ++round) {
    auto planned = with_retry([&] { return store_.plan_refund(*refund); }, refund->event_id);
    if (!planned) return Disposition::abandon;
    if (!*planned) {
      return reject(msg, store,
                    domain::Rejection{domain::Reason::unprocessable, planned->error().message, refund->event_id});
    }
    auto plan = &**planned;
    if (plan->state == RefundPlan::State::decided) {
      publish(store, msg, plan->decided, refund->event_id);
      return Disposition::done;
    }
    if (plan->state == RefundPlan::State::no_sale) {
      auto stored = with_retry([&] { return store_.park_refund(*refund, msg.payload, msg.topic); }, refund->event_id);
      if (!stored) return Disposition::abandon;
      if (!*stored) {
        return reject(msg, store,
                      domain::Rejection{domain::Reason::unprocessable, stored->error().message, refund->event_id});
      }
      auto parked = &**stored;
      if (!parked->parked)
        publish(store, msg, *parked, refund->event_id);
      else
        log_->info("event_id={} store={} refund of receipt {} parked until its sale arrives", refund->event_id, store,
                   refund->receipt_no);
      return Disposition::done;
    }
    auto sale = sale_from_plan(plan->sale_json);
    if (!sale) {
      log_->error("event_id={} the sale of receipt {} could not be read for its refund: no points are taken back",
                  refund->event_id, refund->receipt_no);
    }
    auto book = rules_.current();
    domain::Points reversal = sale && plan->member ? refund_reversal(book ? book->for_store(store) : nullptr, *sale,
                                                                     plan->refunded + refund->amount,
                                                                     plan->points_earned, plan->points_reversed)
                                                   : 0;
    RefundCommand cmd{.refund = *refund,
                      .raw_payload = msg.payload,
                      .topic = msg.topic,
                      .sale_id = plan->sale_id,
                      .expected_refunded = plan->refunded,
                      .reversal = reversal};
    auto stored = with_retry([&] { return store_.apply_refund(cmd); }, refund->event_id);
    if (!stored) return Disposition::abandon;
    if (!*stored) {
      return reject(msg, store,
                    domain::Rejection{domain::Reason::unprocessable, stored->error().message, refund->event_id});
    }
    auto outcome = &**stored;
    if (outcome->stale) continue;
    publish(store, msg, *outcome, refund->event_id);
    log_->info("event_id={} store={} refund of receipt {} amount={} {}{} reversal={}", refund->event_id, store,
               refund->receipt_no, refund->amount, outcome->rejected ? "rejected:" + outcome->reason : "applied",
               outcome->duplicate ? " (duplicate)" : "", reversal);
    return Disposition::done;
  }
  // Ten refunds of one sale racing each other: leave it unacknowledged? No:
  // the POS republishes until a result comes, so acknowledging is safe.
  log_->warn("event_id={} refund kept losing races with other refunds of receipt {}; the POS will republish it",
             refund->event_id, refund->receipt_no);
  return Disposition::done;
}

Disposition Pipeline::apply_parked_refunds(const std::string& store, const std::string& receipt) {
  auto parked = with_retry([&] { return store_.parked_refunds(std::pair{store, receipt}, std::nullopt); }, receipt);
  if (!parked) return Disposition::abandon;
  if (!*parked) {
    log_->error("store={} receipt={} parked refunds could not be read: {}", store, receipt, parked->error().message);
    return Disposition::done;
  }
  for (const auto& p : **parked) {
    InboundMessage again{.topic = p.topic, .payload = p.payload};
    if (handle_refund(again, store) == Disposition::abandon) return Disposition::abandon;
  }
  return Disposition::done;
}

int expire_parked_refunds(PosLedger& store, ResultSink& sink, const Clock& clock, int timeout_s) {
  auto log = log::get("pipeline");
  auto parked = store.parked_refunds(std::nullopt, timeout_s);
  if (!parked) {
    log->warn("cannot list parked refunds: {}", parked.error().message);
    return 0;
  }
  int rejected = 0;
  for (const auto& p : *parked) {
    auto outcome = store.reject_parked_refund(p.store, p.event_id, timeout_s);
    if (!outcome || outcome->result_json.empty()) continue;
    sink.publish_result(p.store, outcome->result_json, std::nullopt);
    sink.publish_dead_letter(
        p.store, dead_letter_json(outcome->reason, outcome->detail, p.topic, p.payload, p.event_id, clock.now()));
    log->warn("event_id={} store={} parked refund rejected: {}", p.event_id, p.store, outcome->detail);
    ++rejected;
  }
  return rejected;
}

}  // namespace setia::core
