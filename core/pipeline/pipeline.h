#pragma once

#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>

#include "core/pipeline/disabled_stores.h"
#include "core/pipeline/store_quota.h"
#include "core/ports/clock.h"
#include "core/ports/pos_ledger.h"
#include "core/ports/result_sink.h"
#include "core/support/log.h"
#include "core/support/metrics.h"
#include "rules/registry.h"

namespace setia::core {

struct InboundMessage {
  std::string_view topic;
  std::string_view payload;
  bool redelivery = false;  // MQTT DUP flag: informative only, dedup is by event id
  std::optional<ReplyTo> reply_to;
};

// What the transport should do with the message once handle() returns.
enum class Disposition {
  done,     // committed (applied, rejected or duplicate): acknowledge it
  abandon,  // not committed and stopping: do NOT acknowledge; the broker
            // redelivers it to this session after a restart
};

struct PipelineOptions {
  std::string topic_prefix = "setia";
  std::chrono::milliseconds retry_initial{100};
  std::chrono::milliseconds retry_max{5000};
  // When set, events by status, processing latency and dead letters are
  // counted there for /metrics.
  metrics::Registry* metrics = nullptr;
  // When set, the events of the stores in it are refused (store_disabled).
  const DisabledStores* disabled_stores = nullptr;
  // When set, a store over its quota while others are active gets a
  // throttle notice instead of a decision (store_quota.h). Only for the
  // broker's delivery thread: the quota takes no lock.
  StoreQuota* quota = nullptr;
};

// Rejects refunds parked longer than `timeout_s` seconds (their sale never came):
// result to the POS, dead letter. Runs on its own thread with its own
// store; returns how many it rejected.
int expire_parked_refunds(PosLedger& store, ResultSink& sink, const Clock& clock, int timeout_s);

struct PipelineCounters {
  std::atomic<std::uint64_t> applied{0}, duplicate{0}, rejected{0}, store_retries{0};
};

// The way of one POS message: decode and validate, evaluate the rules, one
// committed store call, then the result (and dead letter) published. Sales
// (pipeline.cpp), refunds (refund_flow.cpp) and lookups (lookup_flow.cpp).
// Runs on the transport's delivery thread; never throws. While the store is
// unreachable it retries with backoff, so that the message is acknowledged
// only after its commit.
class Pipeline {
 public:
  Pipeline(PipelineOptions options, PosLedger& store, ResultSink& sink, const rules::Registry& rules,
           const Clock& clock, const std::atomic<bool>& stopping);

  Disposition handle(const InboundMessage& msg) noexcept;

  const PipelineCounters& counters() const { return counters_; }

 private:
  Disposition handle_unsafe(const InboundMessage& msg);
  // Tells the store, at most once a second, that its messages are not being
  // decided; nothing is stored: the POS still holds them and sends them again.
  void throttle(const std::string& store, const QuotaDecision& decision);
  Disposition handle_sale(const InboundMessage& msg, const std::string& store,
                          const std::shared_ptr<const rules::RuleBook>& book);
  Disposition handle_refund(const InboundMessage& msg, const std::string& store);
  Disposition handle_lookup(const InboundMessage& msg, const std::string& store);
  // Applies the refunds that waited for this receipt's sale.
  Disposition apply_parked_refunds(const std::string& store, const std::string& receipt);
  template <class Call>
  auto with_retry(Call&& call, std::string_view event_id) -> std::optional<std::invoke_result_t<Call>>;
  Disposition reject(const InboundMessage& msg, std::optional<std::string> store, const domain::Rejection& rejection);
  // A message whose answer address lies outside its own store: a dead letter
  // (foreign_reply_topic), its result on the store's own result topic.
  Disposition refuse_reply_topic(const InboundMessage& msg, const std::string& store, const std::string& reply_topic);
  void publish(std::string_view store, const InboundMessage& msg, const StoredOutcome& outcome,
               const std::optional<std::string>& event_id);

  PipelineOptions options_;
  PosLedger& store_;
  ResultSink& sink_;
  const rules::Registry& rules_;
  const Clock& clock_;
  const std::atomic<bool>& stopping_;
  PipelineCounters counters_;
  std::shared_ptr<spdlog::logger> log_;
  log::RateLimit store_down_log_;
  log::RateLimit throttle_log_;
};

// Retries `call` while the store answers `transient`, with backoff, until it
// answers for good (a value or a permanent error); nullopt when we stop
// while the store is still unreachable.
template <class Call>
auto Pipeline::with_retry(Call&& call, std::string_view event_id) -> std::optional<std::invoke_result_t<Call>> {
  auto delay = options_.retry_initial;
  for (;;) {
    auto outcome = call();
    if (outcome || outcome.error().kind == StoreError::Kind::permanent) return outcome;
    ++counters_.store_retries;
    std::size_t suppressed = 0;
    if (store_down_log_.allow(suppressed)) {
      log_->warn("event_id={} store unavailable, retrying in {} ms ({} similar messages suppressed): {}", event_id,
                 delay.count(), suppressed, outcome.error().message);
    }
    if (stopping_.load()) return std::nullopt;
    std::this_thread::sleep_for(delay);
    delay = std::min(delay * 2, options_.retry_max);
  }
}

}  // namespace setia::core
