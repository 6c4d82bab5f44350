#include "core/pipeline/pipeline.h"

#include <thread>

#include <nlohmann/json.hpp>

#include "core/pipeline/dead_letter.h"
#include "core/pipeline/json_fields.h"
#include "core/pipeline/sale_decoder.h"
#include "core/pipeline/topic.h"
#include "rules/evaluator.h"
#include "rules/sale_limits.h"

namespace setia::core {

Pipeline::Pipeline(PipelineOptions options, PosLedger& store, ResultSink& sink, const rules::Registry& rules,
                   const Clock& clock, const std::atomic<bool>& stopping)
    : options_(std::move(options)),
      store_(store),
      sink_(sink),
      rules_(rules),
      clock_(clock),
      stopping_(stopping),
      log_(log::get("pipeline")) {}

Disposition Pipeline::handle(const InboundMessage& msg) noexcept {
  // The processing latency for /metrics, whatever the outcome.
  struct Latency {
    metrics::Registry* registry;
    std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
    ~Latency() {
      if (!registry) return;
      try {
        registry->histogram("setia_event_processing_seconds", "Time to decide and commit one POS message")
            .observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
      } catch (...) {
      }
    }
  } latency{options_.metrics};
  try {
    return handle_unsafe(msg);
  } catch (const std::exception& e) {
    // Nothing may escape into the transport's thread. An exception here is a
    // bug: the message stays unacknowledged only if we abandon it, so log
    // loudly and acknowledge (the POS republishes if no result came).
    log_->error("topic={} unexpected error, message acknowledged without result: {}", msg.topic, e.what());
  } catch (...) {
    log_->error("topic={} unexpected non-standard exception, message acknowledged", msg.topic);
  }
  return Disposition::done;
}

Disposition Pipeline::handle_unsafe(const InboundMessage& msg) {
  auto topic = parse_pos_topic(options_.topic_prefix, msg.topic);
  if (!topic) {
    return reject(
        msg, std::nullopt,
        domain::Rejection{domain::Reason::invalid_topic,
                          "topic '" + std::string(msg.topic) + "' is not " + options_.topic_prefix +
                              "/{store}/pos/{sale|refund|lookup} with a store id matching [a-z0-9][a-z0-9-]{0,62}",
                          std::nullopt});
  }
  if (options_.quota) {
    // Before anything that costs: the excess of a flood is dropped here.
    auto decision = options_.quota->admit(topic->store, std::chrono::steady_clock::now());
    if (!decision.admitted) {
      throttle(topic->store, decision);
      return Disposition::done;
    }
  }
  if (msg.reply_to && !is_answer_topic_of(options_.topic_prefix, topic->store, msg.reply_to->topic)) {
    return refuse_reply_topic(msg, topic->store, msg.reply_to->topic);
  }
  if (options_.disabled_stores) {
    if (auto disabled = options_.disabled_stores->find(topic->store)) {
      // Kept, not processed: the dead letter is replayed if the store
      // comes back (setiactl store enable).
      return reject(msg, topic->store,
                    domain::Rejection{domain::Reason::store_disabled,
                                      "store '" + topic->store + "' was disabled by its operator at " +
                                          format_utc(std::chrono::system_clock::time_point(
                                              std::chrono::seconds(disabled->disabled_at.value_or(0)))) +
                                          " (" + disabled->disabled_reason +
                                          "): its events are not processed; replay this dead letter once it is "
                                          "enabled again (setiactl store enable)",
                                      readable_event_id_of(msg.payload)});
    }
  }
  // One book for the whole message: the check below and the sale's points.
  auto book = rules_.current();
  if (const auto* why = book ? book->unavailable_because(topic->store) : nullptr) {
    // Not the default's rules in its place: the store's own were meant.
    // The dead letter is replayed once the file is fixed.
    return reject(msg, topic->store,
                  domain::Rejection{domain::Reason::rules_unavailable,
                                    "the rules of store '" + topic->store + "' cannot be loaded (" +
                                        (why->empty() ? std::string("no file") : why->front().to_string()) +
                                        "); replay this dead letter once the rule file is fixed",
                                    readable_event_id_of(msg.payload)});
  }
  switch (topic->kind) {
    case PosTopicKind::sale: return handle_sale(msg, topic->store, book);
    case PosTopicKind::refund: return handle_refund(msg, topic->store);
    case PosTopicKind::lookup: return handle_lookup(msg, topic->store);
  }
  return Disposition::done;
}

void Pipeline::throttle(const std::string& store, const QuotaDecision& decision) {
  if (options_.metrics) {
    options_.metrics
        ->counter("setia_throttled_total", "POS messages not decided because their store was over its quota",
                  {{"store", store}})
        .inc();
  }
  if (!decision.notify) return;
  const auto& q = options_.quota->options();
  sink_.publish_result(store, throttle_notice_json(store, q.retry_after, q.rate, decision.throttled_since_notice),
                       std::nullopt);
  std::size_t suppressed = 0;
  if (throttle_log_.allow(suppressed)) {
    log_->warn(
        "store={} over its quota ({} messages/s after {}) while other stores wait: {} messages not decided "
        "since its last notice, the POS sends them again ({} similar messages suppressed)",
        store, q.rate, q.burst, decision.throttled_since_notice, suppressed);
  }
}

Disposition Pipeline::handle_sale(const InboundMessage& msg, const std::string& store,
                                  const std::shared_ptr<const rules::RuleBook>& book) {
  auto sale = decode_sale(store, msg.payload);
  if (!sale) return reject(msg, store, sale.error());

  const rules::RuleSet* rules = book ? book->for_store(sale->store_id) : nullptr;
  // A store without rules still has the defaults' bounds.
  if (auto beyond = rules::check_sale_limits(rules ? rules->sales : rules::SaleLimits{}, *sale, clock_.now())) {
    return reject(msg, store, *beyond);
  }
  rules::PointsDecision decision;
  if (rules) {
    decision = rules::evaluate_points(*rules, *sale);
  } else {
    log_->warn("event_id={} store={} has no rule file and there is no default (store: \"*\"): no points",
               sale->event_id, sale->store_id);
  }
  SaleCommand cmd{.sale = *sale,
                  .raw_payload = msg.payload,
                  .topic = msg.topic,
                  .points = decision.points,
                  .ruleset_version = book ? book->version : "",
                  .rule_ids = decision.rule_ids,
                  .expires_at_unix = decision.expires_at_unix};
  auto stored = with_retry([&] { return store_.apply_sale(cmd); }, sale->event_id);
  if (!stored) return Disposition::abandon;
  if (!*stored) {
    // The database refuses this valid sale for good: a dead letter.
    log_->error("event_id={} store refused the sale for good: {}", sale->event_id, stored->error().message);
    return reject(msg, store,
                  domain::Rejection{domain::Reason::unprocessable, stored->error().message, sale->event_id});
  }
  auto outcome = &**stored;
  publish(store, msg, *outcome, sale->event_id);
  log_->info("event_id={} store={} receipt={} member={} {}{} rule_points={}", sale->event_id, sale->store_id,
             sale->receipt_no, sale->member.value_or("-"),
             outcome->rejected ? "rejected:" + outcome->reason : "applied", outcome->duplicate ? " (duplicate)" : "",
             decision.points);
  if (outcome->parked_refunds) return apply_parked_refunds(store, sale->receipt_no);
  return Disposition::done;
}

Disposition Pipeline::refuse_reply_topic(const InboundMessage& msg, const std::string& store,
                                         const std::string& reply_topic) {
  // Answered, if at all, on the store's own result topic: a copy of the
  // message without its answer address.
  InboundMessage own = msg;
  own.reply_to.reset();
  return reject(own, store,
                domain::Rejection{domain::Reason::foreign_reply_topic,
                                  "answer topic '" + reply_topic + "' is not under " + options_.topic_prefix + "/" +
                                      store + "/ (nor one of its pos/sale, pos/refund, pos/lookup): answers go only " +
                                      "to the message's own store",
                                  readable_event_id_of(msg.payload)});
}

Disposition Pipeline::reject(const InboundMessage& msg, std::optional<std::string> store,
                             const domain::Rejection& rejection) {
  std::string id = rejection.event_id.value_or("-");
  // A payload past the contract's limit can never be applied, so only its
  // first kMaxPayloadBytes are kept (stored and announced): a till's 1 MiB
  // messages must not fill the database or the dead-letter topic.
  InboundMessage kept = msg;
  if (kept.payload.size() > kMaxPayloadBytes) kept.payload = kept.payload.substr(0, kMaxPayloadBytes);
  RejectCommand cmd{.store = store, .topic = msg.topic, .raw_payload = kept.payload, .rejection = rejection};
  auto stored = with_retry([&] { return store_.reject(cmd); }, id);
  if (!stored) return Disposition::abandon;
  StoredOutcome fallback{
      .rejected = true, .reason = std::string(domain::reason_code(rejection.reason)), .detail = rejection.detail};
  if (!*stored) {
    // Not even the dead letter could be stored: announce it on the
    // dead-letter topic at least, and say so loudly.
    log_->error("event_id={} the rejection could not be stored: {}", id, stored->error().message);
  }
  const StoredOutcome* outcome = *stored ? &**stored : &fallback;
  if (store) publish(*store, kept, *outcome, rejection.event_id);
  log_->warn("event_id={} store={} rejected: {}: {}{}", id, store.value_or("-"), domain::reason_code(rejection.reason),
             rejection.detail, outcome->duplicate ? " (duplicate)" : "");
  return Disposition::done;
}

void Pipeline::publish(std::string_view store, const InboundMessage& msg, const StoredOutcome& outcome,
                       const std::optional<std::string>& event_id) {
  if (outcome.duplicate)
    ++counters_.duplicate;
  else if (outcome.rejected)
    ++counters_.rejected;
  else
    ++counters_.applied;
  if (options_.metrics) {
    options_.metrics
        ->counter("setia_events_total", "POS messages decided, by status",
                  {{"status", outcome.duplicate  ? "duplicate"
                              : outcome.rejected ? "rejected"
                                                 : "applied"}})
        .inc();
  }
  if (!outcome.result_json.empty()) sink_.publish_result(store, outcome.result_json, msg.reply_to);
  // A rejection is announced once, when it is decided; its duplicates only
  // get the stored result again.
  if (outcome.rejected && !outcome.duplicate) {
    if (options_.metrics) options_.metrics->counter("setia_dead_letters_total", "Dead letters published").inc();
    sink_.publish_dead_letter(
        store, dead_letter_json(outcome.reason, outcome.detail, msg.topic, msg.payload, event_id, clock_.now()));
  }
}

}  // namespace setia::core
