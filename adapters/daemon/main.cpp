// setiad: the composition root. The only place that knows every adapter and
// wires them to core (like Envoy's source/exe).
#include <csignal>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <string>
#include <thread>

#include <systemd/sd-daemon.h>

#include "adapters/config/daemon_config.h"
#include "adapters/mqtt/mqtt_transport.h"
#include "adapters/postgres/migrator.h"
#include "adapters/postgres/pg_session.h"
#include "adapters/postgres/pg_store.h"
#include "core/pipeline/pipeline.h"
#include "core/support/log.h"
#include "rules/registry.h"

namespace {

using namespace setia;

void usage() {
  std::fputs(
      "usage: setiad --config FILE [--check-config]\n"
      "  --config FILE     the daemon config (YAML; docs/configuration.md)\n"
      "  --check-config    validate the config and the rule files, print errors, exit 0/1\n"
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
  std::unique_ptr<core::Pipeline> pipeline;
  adapters::mqtt::MqttTransport transport(cfg.mqtt, [&](const core::InboundMessage& m) { return pipeline->handle(m); });
  pipeline = std::make_unique<core::Pipeline>(core::PipelineOptions{.topic_prefix = cfg.mqtt.topic_prefix}, store,
                                              transport, registry, clock, sig.stopping);
  if (cfg.has_rest) log->warn("rest: configured, but this build has no REST adapter yet; nothing is served");
  if (cfg.has_fcm) log->warn("fcm: configured, but this build sends no pushes yet");

  if (!transport.start(sig.stopping)) return finish(0);
  sd_notify(0, "READY=1\nSTATUS=consuming");
  log->info("ready: consuming {} rule set {}", cfg.mqtt.topic_prefix, registry.current()->version);

  std::uint64_t watchdog_usec = 0;
  bool watchdog = sd_watchdog_enabled(0, &watchdog_usec) > 0;
  auto tick = watchdog ? std::chrono::microseconds(watchdog_usec / 2) : std::chrono::microseconds(std::chrono::seconds(60));
  std::unique_lock lock(sig.mu);
  while (!sig.stopping.load()) {
    sig.cv.wait_for(lock, tick, [&] { return sig.stopping.load() || sig.reload; });
    if (watchdog) sd_notify(0, "WATCHDOG=1");
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
  sd_notify(0, "STOPPING=1");
  log->info("stopping: finishing the event in hand");
  transport.stop();
  const auto& c = pipeline->counters();
  log->info("stopped: applied={} duplicate={} rejected={} store_retries={}", c.applied.load(), c.duplicate.load(),
            c.rejected.load(), c.store_retries.load());
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
    return 0;
  }
  try {
    return run(*cfg, registry);
  } catch (const std::exception& e) {
    setia::log::get("daemon")->critical("fatal: {}", e.what());
    return 1;
  }
}
