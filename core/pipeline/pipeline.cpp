#include "core/pipeline/pipeline.h"

#include <thread>

#include <nlohmann/json.hpp>

#include "core/pipeline/dead_letter.h"
#include "core/pipeline/sale_decoder.h"
#include "core/pipeline/topic.h"
#include "rules/evaluator.h"

namespace setia::core {

Pipeline::Pipeline(PipelineOptions options, Store& store, ResultSink& sink, const rules::Registry& rules,
                   const Clock& clock, const std::atomic<bool>& stopping)
    : options_(std::move(options)),
      store_(store),
      sink_(sink),
      rules_(rules),
      clock_(clock),
      stopping_(stopping),
      log_(log::get("pipeline")) {}

Disposition Pipeline::handle(const InboundMessage& msg) noexcept {
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

template <class Call>
std::optional<StoredOutcome> Pipeline::with_retry(Call&& call, std::string_view event_id) {
  auto delay = options_.retry_initial;
  for (;;) {
    auto outcome = call();
    if (outcome) return std::move(*outcome);
    if (outcome.error().kind == StoreError::Kind::permanent) {
      log_->error("event_id={} store refused the event for good: {}", event_id, outcome.error().message);
      return StoredOutcome{.rejected = true,
                           .reason = std::string(domain::reason_code(domain::Reason::unprocessable)),
                           .detail = outcome.error().message};
    }
    ++counters_.store_retries;
    std::size_t suppressed = 0;
    if (store_down_log_.allow(suppressed)) {
      log_->warn("event_id={} store unavailable, retrying in {} ms ({} similar messages suppressed): {}",
                 event_id, delay.count(), suppressed, outcome.error().message);
    }
    if (stopping_.load()) return std::nullopt;
    std::this_thread::sleep_for(delay);
    delay = std::min(delay * 2, options_.retry_max);
  }
}

Disposition Pipeline::handle_unsafe(const InboundMessage& msg) {
  auto topic = parse_pos_topic(options_.topic_prefix, msg.topic);
  if (!topic) {
    return reject(msg, std::nullopt,
                  domain::Rejection{domain::Reason::invalid_topic,
                                    "topic '" + std::string(msg.topic) + "' is not " + options_.topic_prefix +
                                        "/{store}/pos/sale with a store id matching [a-z0-9][a-z0-9-]{0,62}",
                                    std::nullopt});
  }
  if (topic->kind != PosTopicKind::sale) {
    return reject(msg, topic->store,
                  domain::Rejection{domain::Reason::invalid_topic,
                                    "this version of setiad consumes only pos/sale", std::nullopt});
  }
  auto sale = decode_sale(topic->store, msg.payload);
  if (!sale) return reject(msg, topic->store, sale.error());

  auto book = rules_.current();
  const rules::RuleSet* rules = book ? book->for_store(sale->store_id) : nullptr;
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
                  .expiry_after_days = rules ? rules->points.expiry_after_days : std::nullopt};
  auto outcome = with_retry([&] { return store_.apply_sale(cmd); }, sale->event_id);
  if (!outcome) return Disposition::abandon;
  if (outcome->result_json.empty()) {
    // A permanent store failure of a valid sale: record it as a dead letter.
    return reject(msg, topic->store,
                  domain::Rejection{domain::Reason::unprocessable, outcome->detail, sale->event_id});
  }
  publish(topic->store, msg, *outcome, sale->event_id);
  log_->info("event_id={} store={} receipt={} member={} {}{} rule_points={}", sale->event_id, sale->store_id,
             sale->receipt_no, sale->member.value_or("-"), outcome->rejected ? "rejected:" + outcome->reason : "applied",
             outcome->duplicate ? " (duplicate)" : "", decision.points);
  return Disposition::done;
}

Disposition Pipeline::reject(const InboundMessage& msg, std::optional<std::string> store,
                             const domain::Rejection& rejection) {
  std::string id = rejection.event_id.value_or("-");
  RejectCommand cmd{.store = store, .topic = msg.topic, .raw_payload = msg.payload, .rejection = rejection};
  auto outcome = with_retry([&] { return store_.reject(cmd); }, id);
  if (!outcome) return Disposition::abandon;
  if (store) publish(*store, msg, *outcome, rejection.event_id);
  log_->warn("event_id={} store={} rejected: {}: {}{}", id, store.value_or("-"), domain::reason_code(rejection.reason),
             rejection.detail, outcome->duplicate ? " (duplicate)" : "");
  return Disposition::done;
}

void Pipeline::publish(std::string_view store, const InboundMessage& msg, const StoredOutcome& outcome,
                       const std::optional<std::string>& event_id) {
  if (outcome.duplicate) ++counters_.duplicate;
  else if (outcome.rejected) ++counters_.rejected;
  else ++counters_.applied;
  if (!outcome.result_json.empty()) sink_.publish_result(store, outcome.result_json, msg.reply_to);
  // A rejection is announced once, when it is decided; its duplicates only
  // get the stored result again.
  if (outcome.rejected && !outcome.duplicate) {
    sink_.publish_dead_letter(store, dead_letter_json(outcome.reason, outcome.detail, msg.topic, msg.payload,
                                                      event_id, clock_.now()));
  }
}

}  // namespace setia::core
