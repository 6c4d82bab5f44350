#pragma once

// setiad's life, step by step (the composition root: the only place that
// knows every adapter and wires them to core, like Envoy's source/exe).
// main.cpp reads the arguments and the config; Daemon::run does the rest.

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "adapters/config/daemon_config.h"
#include "adapters/daemon/rest_wiring.h"
#include "adapters/fcm/fcm_notifier.h"
#include "adapters/mqtt/mqtt_transport.h"
#include "adapters/postgres/pg_pos_ledger.h"
#include "adapters/postgres/pg_rule_version_store.h"
#include "adapters/postgres/pg_rules_listener.h"
#include "adapters/postgres/pg_session.h"
#include "core/outbox/dispatcher.h"
#include "core/pipeline/disabled_stores.h"
#include "core/pipeline/pipeline.h"
#include "core/scheduler/scheduler.h"
#include "core/support/metrics.h"
#include "rules/registry.h"

namespace setia::setiad {

// SIGTERM and SIGINT ask to stop, SIGHUP to reload the rules. They are
// taken by one thread with sigwait, never by a handler: the main loop acts
// on the flags (Mosquitto's habit). Blocks the signals in the constructor
// (before any other thread starts, so that every thread inherits the mask).
class Signals {
 public:
  Signals();
  ~Signals();
  Signals(const Signals&) = delete;
  Signals& operator=(const Signals&) = delete;

  std::mutex mu;
  std::condition_variable cv;
  std::atomic<bool> stopping{false};
  bool reload = false;  // guarded by mu

 private:
  std::thread thread_;
};

class Daemon {
 public:
  Daemon(const adapters::config::DaemonConfig& cfg, rules::Registry& registry);
  ~Daemon();

  // Runs until SIGTERM; returns the exit code.
  int run();

 private:
  enum class Schema { ready, too_old, stopped };
  Schema wait_for_schema();
  void wire_pipeline();
  bool start_rest();
  bool start_outbox();
  void start_scheduler();
  void main_loop(core::StoreRegistry& stores);
  // Reads the disabled stores into disabled_stores_, saying what changed.
  void refresh_disabled_stores(core::StoreRegistry& stores);
  // Rule versions saved in PostgreSQL (docs/rules.md, "Rule versions"):
  // the registry reads them at every reload, and a listener reloads when
  // one is saved, by any setiad or setiactl.
  void use_stored_rules();
  void reload_rules(bool tell_systemd = true);
  void drain();

  const adapters::config::DaemonConfig& cfg_;
  rules::Registry& registry_;
  Signals signals_;
  std::string conninfo_;
  core::SystemClock clock_;
  metrics::Registry metrics_;  // /metrics: the pipeline's and the REST API's counters
  core::DisabledStores disabled_stores_;  // the pipeline refuses their events
  std::unique_ptr<core::StoreQuota> quota_;  // the sales pipeline's alone: its delivery thread only
  log::RateLimit stores_failed_log_{std::chrono::seconds(60)};
  std::unique_ptr<adapters::postgres::PgPosLedger> store_;
  std::unique_ptr<core::Pipeline> pipeline_;  // outlives the transport, whose callback calls it
  std::unique_ptr<adapters::mqtt::MqttTransport> transport_;
  std::unique_ptr<RestService> rest_;
  std::unique_ptr<adapters::fcm::FcmNotifier> notifier_;
  std::unique_ptr<core::OutboxDispatcher> dispatcher_;
  std::unique_ptr<adapters::postgres::PgSession> rules_session_;  // the main loop's: reloads run there
  std::unique_ptr<adapters::postgres::PgRuleVersionStore> rule_versions_;
  std::unique_ptr<adapters::postgres::PgRulesListener> rules_listener_;
  struct Jobs;  // the scheduler and its stores
  std::unique_ptr<Jobs> jobs_;
};

}  // namespace setia::setiad
