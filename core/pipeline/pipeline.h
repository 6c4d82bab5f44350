#pragma once

#include <atomic>
#include <chrono>
#include <optional>
#include <string>

#include "core/ports/clock.h"
#include "core/ports/result_sink.h"
#include "core/ports/store.h"
#include "core/support/log.h"
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
};

struct PipelineCounters {
  std::atomic<std::uint64_t> applied{0}, duplicate{0}, rejected{0}, store_retries{0};
};

// The way of one POS message: decode and validate, evaluate the rules, one
// committed store call, then the result (and dead letter) published. Runs
// on the transport's delivery thread; never throws. While the store is
// unreachable it retries with backoff, so that the message is acknowledged
// only after its commit.
class Pipeline {
 public:
  Pipeline(PipelineOptions options, Store& store, ResultSink& sink, const rules::Registry& rules,
           const Clock& clock, const std::atomic<bool>& stopping);

  Disposition handle(const InboundMessage& msg) noexcept;

  const PipelineCounters& counters() const { return counters_; }

 private:
  Disposition handle_unsafe(const InboundMessage& msg);
  template <class Call>
  std::optional<StoredOutcome> with_retry(Call&& call, std::string_view event_id);
  Disposition reject(const InboundMessage& msg, std::optional<std::string> store,
                     const domain::Rejection& rejection);
  void publish(std::string_view store, const InboundMessage& msg, const StoredOutcome& outcome,
               const std::optional<std::string>& event_id);

  PipelineOptions options_;
  Store& store_;
  ResultSink& sink_;
  const rules::Registry& rules_;
  const Clock& clock_;
  const std::atomic<bool>& stopping_;
  PipelineCounters counters_;
  std::shared_ptr<spdlog::logger> log_;
  log::RateLimit store_down_log_;
};

}  // namespace setia::core
