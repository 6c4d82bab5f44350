#pragma once

#include <atomic>
#include <expected>
#include <functional>
#include <memory>
#include <string>

#include "adapters/config/daemon_config.h"
#include "core/pipeline/disabled_stores.h"
#include "core/ports/clock.h"
#include "core/ports/result_sink.h"
#include "core/support/metrics.h"
#include "rules/registry.h"

namespace setia::setiad {

// setiad's REST API, wired: the Beast server, the API over the core
// services, each worker thread's PostgreSQL adapters, libsodium, and a
// pipeline of its own for dead-letter replays (publishing through `sink`,
// the MQTT transport). Part of the composition root: the only place
// besides main.cpp that knows these adapters.
class RestService {
 public:
  struct Wiring {
    const adapters::config::RestConfig& config;
    std::string conninfo;
    std::string topic_prefix;
    rules::Registry& rules;
    const core::Clock& clock;
    core::ResultSink& sink;
    metrics::Registry& metrics;
    std::function<bool()> broker_connected;
    const std::atomic<bool>& stopping;
    // The daemon's: a replayed dead letter of a disabled store stays refused.
    const core::DisabledStores* disabled_stores = nullptr;
  };

  // Binds the listeners and starts the threads; logs "rest: listening on
  // ip:port" (and "rest: ops listening on ip:port"). An error says why.
  static std::expected<std::unique_ptr<RestService>, std::string> start(const Wiring& w);

  ~RestService();
  void stop();

 private:
  RestService() = default;
  struct Parts;
  std::unique_ptr<Parts> parts_;
};

}  // namespace setia::setiad
