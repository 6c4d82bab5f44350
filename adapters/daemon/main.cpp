// setiad: the composition root. The only place that knows every adapter and
// wires them to core (like Envoy's source/exe).
#include <csignal>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <string>
#include <thread>

#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <systemd/sd-daemon.h>

#include "adapters/config/config_keys.h"
#include "adapters/config/daemon_config.h"
#include "adapters/daemon/rest_wiring.h"
#include "adapters/fcm/fcm_notifier.h"
#include "adapters/postgres/pg_job_lock.h"
#include "adapters/postgres/pg_outbox_store.h"
#include "adapters/postgres/pg_birthday_store.h"
#include "adapters/postgres/pg_scheduled_push_store.h"
#include "adapters/postgres/pg_points_store.h"
#include "adapters/mqtt/mqtt_transport.h"
#include "adapters/postgres/migrator.h"
#include "adapters/postgres/pg_session.h"
#include "adapters/postgres/pg_store.h"
#include "core/outbox/dispatcher.h"
#include "core/pipeline/pipeline.h"
#include "core/scheduler/birthday_job.h"
#include "core/scheduler/points_expiry_job.h"
#include "core/scheduler/push_jobs.h"
#include "core/scheduler/scheduler.h"
#include "core/support/log.h"
#include "rules/registry.h"

namespace {

using namespace setia;

void usage() {
  std::fputs(
      "usage: setiad --config FILE [--check-config]\n"
      "  --config FILE     the daemon config (YAML; docs/configuration.md)\n"
      "  --check-config    validate the config and the rule files, print errors (or the keys that\n"
      "                    differ from their defaults), exit 0/1\n"
      "Signals: SIGHUP reloads the rule files (the old ones stay on error); SIGTERM drains and exits 0.\n",
      stderr);
}

void print_errors(const rules::LoadErrors& errors) {
  for (const auto& e : errors) std::fprintf(stderr, "%s\n", e.to_string().c_str());
}

struct Signals {
  std::mutex mu;
  std::condition_variable cv;
  std::atomic<bool> stopping{false};
  bool reload = false;
};

std::uint64_t monotonic_usec() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1000000u + static_cast<std::uint64_t>(ts.tv_nsec) / 1000u;
}

int run(const adapters::config::DaemonConfig& cfg, rules::Registry& registry) {
  auto log = log::get("daemon");
  // Signals are taken by one thread with sigwait, never by a handler: the
  // main loop acts on the flags (Mosquitto's habit).
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  Signals sig;
  std::thread signal_thread([&] {
    for (;;) {
      int s = 0;
      if (sigwait(&set, &s) != 0) continue;
      std::lock_guard lock(sig.mu);
      if (s == SIGHUP) {
        sig.reload = true;
      } else {
        sig.stopping = true;
        sig.cv.notify_all();
        return;
      }
      sig.cv.notify_all();
    }
  });
  auto finish = [&](int code) {
    if (!sig.stopping.exchange(true)) pthread_kill(signal_thread.native_handle(), SIGTERM);
    signal_thread.join();
    return code;
  };

  // The database first: without the schema this build needs there is
  // nothing to do. Unreachable is retried; too old is an operator's job.
  std::string conninfo = adapters::postgres::conninfo_with_password(cfg.database.conninfo, cfg.database.password_file);
  auto pg_log = log::get("pg");
  log::RateLimit db_down(std::chrono::seconds(30));
  auto delay = std::chrono::milliseconds(500);
  for (;;) {
    auto version = adapters::postgres::schema_version(conninfo);
    if (version) {
      int need = adapters::postgres::required_schema_version();
      if (*version < need) {
        pg_log->critical("database schema is at version {}, this setiad needs {}: run `setiactl --config {} db migrate`",
                         *version, need, cfg.file);
        return finish(1);
      }
      break;
    }
    std::size_t suppressed = 0;
    if (db_down.allow(suppressed)) {
      pg_log->warn("database unreachable, retrying ({} similar suppressed): {}", suppressed, version.error());
    }
    std::unique_lock lock(sig.mu);
    if (sig.cv.wait_for(lock, delay, [&] { return sig.stopping.load(); })) return finish(0);
    delay = std::min(delay * 2, std::chrono::milliseconds(10000));
  }

  adapters::postgres::PgStore store(conninfo);
  core::SystemClock clock;
  metrics::Registry metrics;  // /metrics: the pipeline's and the REST API's counters
  std::unique_ptr<core::Pipeline> pipeline;
  adapters::mqtt::MqttTransport transport(
      cfg.mqtt, [&](const core::InboundMessage& m) { return pipeline->handle(m); }, &metrics);
  metrics.gauge("setia_answers_queued", "Answers owed and not yet acknowledged by the broker: waiting, in_flight",
                [&transport] {
                  auto s = transport.answer_stats();
                  return std::vector<std::pair<metrics::Labels, double>>{
                      {{{"state", "waiting"}}, static_cast<double>(s.waiting)},
                      {{{"state", "in_flight"}}, static_cast<double>(s.in_flight)}};
                });
  metrics.gauge("setia_answer_queue_full_total",
                "Times the pipeline waited because the answer queue was full (backpressure)", [&transport] {
                  return std::vector<std::pair<metrics::Labels, double>>{
                      {{}, static_cast<double>(transport.answer_stats().full_waits)}};
                });
  pipeline = std::make_unique<core::Pipeline>(
      core::PipelineOptions{.topic_prefix = cfg.mqtt.topic_prefix, .metrics = &metrics}, store, transport, registry,
      clock, sig.stopping);

  // ---- REST API (adapters/daemon/rest_wiring.cpp): started after the
  // pipeline and before the broker connects (so /healthz can say it is
  // down); stopped before the transport.
  std::unique_ptr<setiad::RestService> rest;
  if (cfg.has_rest) {
    auto started = setiad::RestService::start({.config = cfg.rest, .conninfo = conninfo,
                                               .topic_prefix = cfg.mqtt.topic_prefix, .rules = registry,
                                               .clock = clock, .sink = transport, .metrics = metrics,
                                               .broker_connected = [&transport] { return transport.connected(); },
                                               .stopping = sig.stopping});
    if (!started) {
      log->critical("{}", started.error());
      return finish(1);
    }
    rest = std::move(*started);
  }
  // ---- end of the REST API block
  // ---- Notifications: the outbox dispatcher sends through FCM. Without an
  // fcm section nothing is sent and the rows wait in the outbox.
  std::unique_ptr<adapters::fcm::FcmNotifier> notifier;
  std::unique_ptr<core::OutboxDispatcher> dispatcher;
  if (cfg.has_fcm) {
    auto created = adapters::fcm::FcmNotifier::create(
        {.project_id = cfg.fcm.project_id, .service_account_file = cfg.fcm.service_account_file,
         .endpoint = cfg.fcm.endpoint, .token_uri = cfg.fcm.token_uri, .ca_file = cfg.fcm.ca_file,
         .request_timeout = std::chrono::milliseconds(cfg.outbox.timeout_ms)},
        clock);
    if (!created) {
      log->critical("fcm: {}", created.error());
      return finish(1);
    }
    notifier = std::move(*created);
    dispatcher = std::make_unique<core::OutboxDispatcher>(
        core::DispatcherOptions{.workers = cfg.outbox.workers, .max_attempts = cfg.outbox.max_attempts,
                                .lease = std::chrono::seconds(cfg.outbox.lease_s),
                                .backoff_base = std::chrono::seconds(cfg.outbox.backoff_base_s),
                                .backoff_max = std::chrono::seconds(cfg.outbox.backoff_max_s),
                                .public_url = cfg.has_rest ? cfg.rest.public_url : ""},
        [conninfo] { return std::make_unique<adapters::postgres::PgOutboxStore>(conninfo); }, *notifier,
        core::rules_from(registry));
    dispatcher->start();
  } else {
    log->warn("fcm: not configured; notifications stay pending in the outbox");
  }

  if (!transport.start(sig.stopping)) return finish(0);
  sd_notify(0, "READY=1\nSTATUS=consuming");
  log->info("ready: consuming {} rule set {}", cfg.mqtt.topic_prefix, registry.current()->version);

  // Scheduled jobs (docs/points.md, The scheduler): their own thread and sessions;
  // each run holds an advisory lock, so one daemon of many runs it.
  adapters::postgres::PgJobLock job_lock(conninfo);
  adapters::postgres::PgPointsStore expiry_store(conninfo);
  adapters::postgres::PgBirthdayStore birthday_store(conninfo);
  adapters::postgres::PgScheduledPushStore push_store(conninfo);
  core::Scheduler scheduler(clock, job_lock);
  scheduler.add(core::points_expiry_job(expiry_store));
  scheduler.add(core::birthday_job(birthday_store, core::rules_from(registry)));
  // Reminders, announcements and alerts are only pushes: without FCM they
  // would wait in the outbox and arrive stale once it is configured.
  if (cfg.has_fcm) {
    scheduler.add(core::expiry_reminder_job(push_store, core::rules_from(registry)));
    scheduler.add(core::promo_announcement_job(push_store, core::rules_from(registry)));
    scheduler.add(core::dead_letter_alert_job(push_store));
  }
  scheduler.start();

  // Housekeeping on the main thread, with its own database session: refunds
  // whose sale never came are rejected after refunds.park_timeout_s.
  adapters::postgres::PgStore jobs_store(conninfo);
  const auto park_check = std::chrono::seconds(std::min(60, cfg.refunds.park_timeout_s));
  auto next_park_check = std::chrono::steady_clock::now() + park_check;

  // A rule file written, added or removed in the rules dir reloads the
  // rules like SIGHUP does (inotify, looked at on every tick).
  int rules_watch = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (rules_watch < 0 || inotify_add_watch(rules_watch, registry.dir().c_str(),
                                           IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_CREATE) < 0) {
    log->warn("rules: cannot watch {} ({}); reload with SIGHUP", registry.dir(), std::strerror(errno));
  }
  auto rules_changed = [&] {
    bool changed = false;
    alignas(inotify_event) char buf[4096];
    while (rules_watch >= 0 && ::read(rules_watch, buf, sizeof buf) > 0) changed = true;
    return changed;
  };

  std::uint64_t watchdog_usec = 0;
  bool watchdog = sd_watchdog_enabled(0, &watchdog_usec) > 0;
  auto tick = std::chrono::microseconds(std::chrono::seconds(1));
  if (watchdog) tick = std::min(tick, std::chrono::microseconds(watchdog_usec / 2));
  std::unique_lock lock(sig.mu);
  while (!sig.stopping.load()) {
    sig.cv.wait_for(lock, tick, [&] { return sig.stopping.load() || sig.reload; });
    if (watchdog) sd_notify(0, "WATCHDOG=1");
    if (rules_changed()) {
      // Let an editor finish writing (several events, a rename) first.
      lock.unlock();
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      rules_changed();
      lock.lock();
      log::get("rules")->info("a file in {} changed: reloading", registry.dir());
      sig.reload = true;
    }
    if (std::chrono::steady_clock::now() >= next_park_check && !sig.stopping.load()) {
      lock.unlock();
      core::expire_parked_refunds(jobs_store, transport, clock, cfg.refunds.park_timeout_s);
      next_park_check = std::chrono::steady_clock::now() + park_check;
      lock.lock();
    }
    if (sig.reload && !sig.stopping.load()) {
      sig.reload = false;
      lock.unlock();
      sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%llu", static_cast<unsigned long long>(monotonic_usec()));
      auto rules_log = log::get("rules");
      if (auto book = registry.reload()) {
        rules_log->info("reloaded {} rule file(s), version {}", (*book)->files.size(), (*book)->version);
      } else {
        rules_log->error("reload failed; the rules in force stay ({}):", registry.current()->version);
        for (const auto& e : book.error()) rules_log->error("  {}", e.to_string());
      }
      sd_notify(0, "READY=1");
      lock.lock();
    }
  }
  lock.unlock();
  if (rules_watch >= 0) ::close(rules_watch);
  sd_notify(0, "STOPPING=1");
  log->info("stopping: finishing the event in hand");
  if (rest) rest->stop();  // REST API block: before the transport
  transport.stop();
  scheduler.stop();                     // finishes the job in hand
  if (dispatcher) dispatcher->stop();   // finishes the sends in hand
  const auto& c = pipeline->counters();
  auto a = transport.answer_stats();
  log->info("stopped: applied={} duplicate={} rejected={} store_retries={} answers_sent={} answers_unsent={}",
            c.applied.load(), c.duplicate.load(), c.rejected.load(), c.store_retries.load(),
            a.acknowledged - a.refused_by_broker, a.lost_at_exit + a.unsendable + a.refused_by_broker);
  return finish(0);
}

}  // namespace

int main(int argc, char** argv) {
  std::string config_path;
  bool check = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--config" && i + 1 < argc) {
      config_path = argv[++i];
    } else if (a == "--check-config") {
      check = true;
    } else if (a == "--help" || a == "-h") {
      usage();
      return 0;
    } else {
      std::fprintf(stderr, "setiad: unknown argument '%s'\n", a.c_str());
      usage();
      return 2;
    }
  }
  if (config_path.empty()) {
    usage();
    return 2;
  }
  auto cfg = setia::adapters::config::load_daemon_config(config_path);
  if (!cfg) {
    print_errors(cfg.error());
    return 1;
  }
  setia::log::set_level(cfg->log.level);
  setia::rules::Registry registry(cfg->rules.dir);
  auto book = registry.reload();
  if (!book) {
    print_errors(book.error());
    return 1;
  }
  if (check) {
    std::printf("%s: OK; %zu rule file(s) in %s, version %s\n", config_path.c_str(), (*book)->files.size(),
                cfg->rules.dir.c_str(), (*book)->version.c_str());
    // What this file changes; every other key has its default.
    const setia::adapters::config::DaemonConfig defaults;
    for (const auto& key : setia::adapters::config::config_keys()) {
      auto value = setia::adapters::config::value_text(key, *cfg);
      auto preset = setia::adapters::config::value_text(key, defaults);
      if (value != preset) {
        std::printf("  %.*s: %s (default %s)\n", static_cast<int>(key.path.size()), key.path.data(), value.c_str(),
                    preset.c_str());
      }
    }
    std::printf("  REST API %s, FCM pushes %s\n", cfg->has_rest ? "on" : "off (no rest section)",
                cfg->has_fcm ? "on" : "off (no fcm section)");
    return 0;
  }
  try {
    return run(*cfg, registry);
  } catch (const std::exception& e) {
    setia::log::get("daemon")->critical("fatal: {}", e.what());
    return 1;
  }
}
