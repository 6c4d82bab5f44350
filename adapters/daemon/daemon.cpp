#include "adapters/daemon/daemon.h"

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include <sys/inotify.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include <cerrno>

#include "adapters/postgres/migrator.h"
#include "adapters/postgres/pg_birthday_store.h"
#include "adapters/postgres/pg_dead_letter_store.h"
#include "adapters/postgres/pg_job_lock.h"
#include "adapters/postgres/pg_outbox_store.h"
#include "adapters/postgres/pg_points_store.h"
#include "adapters/postgres/pg_report_rollup_store.h"
#include "adapters/postgres/pg_retention_store.h"
#include "adapters/postgres/pg_scheduled_push_store.h"
#include "adapters/postgres/pg_session.h"
#include "adapters/postgres/pg_store_registry.h"
#include "core/scheduler/birthday_job.h"
#include "core/scheduler/dead_letter_purge_job.h"
#include "core/scheduler/points_expiry_job.h"
#include "core/scheduler/push_jobs.h"
#include "core/scheduler/report_rollup_job.h"
#include "core/scheduler/retention_purge_job.h"
#include "core/support/log.h"
#include "rules/version_hash.h"

namespace setia::setiad {

namespace {

sigset_t daemon_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  return set;
}

std::uint64_t monotonic_usec() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1000000u + static_cast<std::uint64_t>(ts.tv_nsec) / 1000u;
}

// A rule file written, added or removed in the rules dir reloads the rules
// like SIGHUP does (inotify, looked at on every tick of the main loop).
class RulesWatch {
 public:
  explicit RulesWatch(const std::string& dir) : fd_(inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) {
    if (fd_ < 0 ||
        inotify_add_watch(fd_, dir.c_str(), IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_CREATE) < 0) {
      log::get("rules")->warn("rules: cannot watch {} ({}); reload with SIGHUP", dir, std::strerror(errno));
    }
  }
  ~RulesWatch() {
    if (fd_ >= 0) ::close(fd_);
  }
  RulesWatch(const RulesWatch&) = delete;
  RulesWatch& operator=(const RulesWatch&) = delete;

  // Reads what happened since the last call; true when anything did.
  bool changed() {
    bool any = false;
    alignas(inotify_event) char buf[4096];
    while (fd_ >= 0 && ::read(fd_, buf, sizeof buf) > 0) any = true;
    return any;
  }

 private:
  int fd_;
};

}  // namespace

Signals::Signals() {
  sigset_t set = daemon_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  thread_ = std::thread([this, set] {
    for (;;) {
      int s = 0;
      if (sigwait(&set, &s) != 0) continue;
      std::lock_guard lock(mu);
      if (s == SIGHUP) {
        reload = true;
      } else {
        stopping = true;
        cv.notify_all();
        return;
      }
      cv.notify_all();
    }
  });
}

Signals::~Signals() {
  // Stopping for a reason of our own: wake the sigwait thread to let it end.
  // The thread has SIGTERM blocked and waits for it in sigwait: this wakes
  // it, it does not kill it.
  if (!stopping.exchange(true))
    pthread_kill(thread_.native_handle(), SIGTERM);  // NOLINT(bugprone-bad-signal-to-kill-thread)
  thread_.join();
}

// The scheduled jobs (docs/points.md, The scheduler): their own thread and
// sessions; each run holds an advisory lock, so one daemon of many runs it.
struct Daemon::Jobs {
  explicit Jobs(const std::string& conninfo, const core::Clock& clock)
      : lock(conninfo),
        expiry(conninfo),
        birthdays(conninfo),
        pushes(conninfo),
        letters_session(conninfo),
        letters(letters_session),
        retention(letters_session),
        rollups(letters_session),
        scheduler(clock, lock) {}
  adapters::postgres::PgJobLock lock;
  adapters::postgres::PgPointsStore expiry;
  adapters::postgres::PgBirthdayStore birthdays;
  adapters::postgres::PgScheduledPushStore pushes;
  adapters::postgres::PgSession letters_session;
  adapters::postgres::PgDeadLetterStore letters;
  adapters::postgres::PgRetentionStore retention;  // the purges and the rollups share the scheduler thread's session
  adapters::postgres::PgReportRollupStore rollups;
  core::Scheduler scheduler;
};

Daemon::Daemon(const adapters::config::DaemonConfig& cfg, rules::Registry& registry)
    : cfg_(cfg),
      registry_(registry),
      conninfo_(adapters::postgres::conninfo_with_password(cfg.database.conninfo, cfg.database.password_file)) {}

Daemon::~Daemon() = default;

int Daemon::run() {
  switch (wait_for_schema()) {
    case Schema::ready: break;
    case Schema::too_old: return 1;
    case Schema::stopped: return 0;
  }
  use_stored_rules();
  wire_pipeline();
  // Before the first message: a restart must not apply a disabled store's
  // backlog.
  adapters::postgres::PgSession stores_session(conninfo_);
  adapters::postgres::PgStoreRegistry stores(stores_session);
  refresh_disabled_stores(stores);
  if (!start_rest() || !start_outbox()) return 1;
  if (!transport_->start(signals_.stopping)) return 0;  // stopped before the broker answered
  sd_notify(0, "READY=1\nSTATUS=consuming");
  log::get("daemon")->info(
      "ready: consuming {} rule set {}; fairness: a store may have {} messages/s decided after {} at once while others "
      "are active (0: no quota)",
      cfg_.mqtt.topic_prefix, registry_.current()->version, cfg_.fairness.store_rate, cfg_.fairness.store_burst);
  start_scheduler();
  main_loop(stores);
  drain();
  return 0;
}

// The database first: without the schema this build needs there is nothing
// to do. Unreachable is retried; too old is an operator's job.
Daemon::Schema Daemon::wait_for_schema() {
  auto pg_log = log::get("pg");
  log::RateLimit db_down(std::chrono::seconds(30));
  auto delay = std::chrono::milliseconds(500);
  for (;;) {
    auto version = adapters::postgres::schema_version(conninfo_);
    if (version) {
      int need = adapters::postgres::required_schema_version();
      if (*version >= need) return Schema::ready;
      pg_log->critical("database schema is at version {}, this setiad needs {}: run `setiactl --config {} db migrate`",
                       *version, need, cfg_.file);
      return Schema::too_old;
    }
    std::size_t suppressed = 0;
    if (db_down.allow(suppressed)) {
      pg_log->warn("database unreachable, retrying ({} similar suppressed): {}", suppressed, version.error());
    }
    std::unique_lock lock(signals_.mu);
    if (signals_.cv.wait_for(lock, delay, [&] { return signals_.stopping.load(); })) return Schema::stopped;
    delay = std::min(delay * 2, std::chrono::milliseconds(10000));
  }
}

// The registry takes each store's newest stored version in place of its
// file; a file content no version has had is recorded first (so that the
// newest of a file edit and a console save wins). Then every save reaches
// this setiad through LISTEN setia_rules within a second.
void Daemon::use_stored_rules() {
  rules_session_ = std::make_unique<adapters::postgres::PgSession>(conninfo_);
  rule_versions_ = std::make_unique<adapters::postgres::PgRuleVersionStore>(*rules_session_);
  auto* versions = rule_versions_.get();
  registry_.set_stored_versions(
      [versions](const rules::RuleBook& files) -> std::expected<std::vector<rules::StoredRules>, std::string> {
        auto newest = versions->newest_of_every_store();
        if (!newest) return std::unexpected(newest.error().message);
        bool recorded = false;
        for (const auto& v : *newest) {
          // Only a store's own file that loaded: a broken one keeps the
          // rules in force, a missing one leaves the store to its versions.
          auto it = files.by_store.find(v.store_id);
          if (it == files.by_store.end() || it->second->stored_version != 0 || files.broken.contains(v.store_id)) {
            continue;
          }
          const auto& text = it->second->source;
          auto hash = rules::version_hash(text);
          if (hash == v.hash) continue;
          auto r = versions->record_file({.store_id = v.store_id,
                                          .yaml = text,
                                          .hash = hash,
                                          .source = "file",
                                          .restored_from = std::nullopt,
                                          .saved_by = std::nullopt,
                                          .actor = "file:" + it->second->file,
                                          .note = "the file changed"});
          if (!r) return std::unexpected(r.error().message);
          if (*r) {
            log::get("rules")->info("rules: {} is new: recorded as version {} of store {}", it->second->file,
                                    (*r)->version, v.store_id);
            recorded = true;
          }
        }
        if (recorded) {
          newest = versions->newest_of_every_store();
          if (!newest) return std::unexpected(newest.error().message);
        }
        std::vector<rules::StoredRules> out;
        for (auto& v : *newest) out.push_back({v.store_id, v.version, std::move(v.yaml), v.saved_at});
        return out;
      });
  rules_listener_ = std::make_unique<adapters::postgres::PgRulesListener>(conninfo_, [this](const std::string& saved) {
    // "<store> <version>": nothing to do when that version (or a newer
    // one) is in force already, e.g. a file content this setiad recorded.
    if (auto space = saved.find(' '); space != std::string::npos) {
      const int version = std::atoi(saved.c_str() + space + 1);
      if (auto book = registry_.current()) {
        auto it = book->by_store.find(saved.substr(0, space));
        if (it != book->by_store.end() && it->second->stored_version >= version) return;
      }
    }
    std::lock_guard lock(signals_.mu);
    signals_.reload = true;
    signals_.cv.notify_all();
  });
  rules_listener_->start();
  // After LISTEN: a save from now on is notified. Not ready yet: no
  // RELOADING/READY to systemd for this one.
  reload_rules(false);
}

// The sales path: the broker's messages through the pipeline into the
// store; answers back through the transport's own connection.
void Daemon::wire_pipeline() {
  store_ = std::make_unique<adapters::postgres::PgPosLedger>(conninfo_);
  transport_ = std::make_unique<adapters::mqtt::MqttTransport>(
      cfg_.mqtt, [this](const core::InboundMessage& m) { return pipeline_->handle(m); }, &metrics_);
  auto* transport = transport_.get();
  metrics_.gauge("setia_answers_queued", "Answers owed and not yet acknowledged by the broker: waiting, in_flight",
                 [transport] {
                   auto s = transport->answer_stats();
                   return std::vector<std::pair<metrics::Labels, double>>{
                       {{{"state", "waiting"}}, static_cast<double>(s.waiting)},
                       {{{"state", "in_flight"}}, static_cast<double>(s.in_flight)}};
                 });
  metrics_.gauge("setia_answer_queue_full_total",
                 "Times the pipeline waited because the answer queue was full (backpressure)", [transport] {
                   return std::vector<std::pair<metrics::Labels, double>>{
                       {{}, static_cast<double>(transport->answer_stats().full_waits)}};
                 });
  const auto& f = cfg_.fairness;
  quota_ = std::make_unique<core::StoreQuota>(
      core::StoreQuotaOptions{.rate = static_cast<double>(f.store_rate),
                              .burst = static_cast<double>(f.store_burst),
                              .active_window = std::chrono::seconds(f.active_window_s),
                              .retry_after = std::chrono::seconds(f.retry_after_s)});
  pipeline_ = std::make_unique<core::Pipeline>(core::PipelineOptions{.topic_prefix = cfg_.mqtt.topic_prefix,
                                                                     .metrics = &metrics_,
                                                                     .disabled_stores = &disabled_stores_,
                                                                     .quota = quota_.get()},
                                               *store_, *transport_, registry_, clock_, signals_.stopping);
}

// The REST API (rest_wiring.cpp), when configured: started after the
// pipeline and before the broker connects (so /healthz can say it is down);
// stopped before the transport.
bool Daemon::start_rest() {
  if (!cfg_.has_rest) return true;
  auto* transport = transport_.get();
  auto started = RestService::start({.config = cfg_.rest,
                                     .conninfo = conninfo_,
                                     .topic_prefix = cfg_.mqtt.topic_prefix,
                                     .rules = registry_,
                                     .clock = clock_,
                                     .sink = *transport_,
                                     .metrics = metrics_,
                                     .broker_connected = [transport] { return transport->connected(); },
                                     .stopping = signals_.stopping,
                                     .disabled_stores = &disabled_stores_});
  if (!started) {
    log::get("daemon")->critical("{}", started.error());
    return false;
  }
  rest_ = std::move(*started);
  return true;
}

// Notifications: the outbox dispatcher sends through FCM. Without an fcm
// section nothing is sent and the rows wait in the outbox.
bool Daemon::start_outbox() {
  if (!cfg_.has_fcm) {
    log::get("daemon")->warn("fcm: not configured; notifications stay pending in the outbox");
    return true;
  }
  auto created =
      adapters::fcm::FcmNotifier::create({.project_id = cfg_.fcm.project_id,
                                          .service_account_file = cfg_.fcm.service_account_file,
                                          .endpoint = cfg_.fcm.endpoint,
                                          .token_uri = cfg_.fcm.token_uri,
                                          .ca_file = cfg_.fcm.ca_file,
                                          .request_timeout = std::chrono::milliseconds(cfg_.outbox.timeout_ms)},
                                         clock_);
  if (!created) {
    log::get("daemon")->critical("fcm: {}", created.error());
    return false;
  }
  notifier_ = std::move(*created);
  dispatcher_ = std::make_unique<core::OutboxDispatcher>(
      core::DispatcherOptions{.workers = cfg_.outbox.workers,
                              .max_attempts = cfg_.outbox.max_attempts,
                              .lease = std::chrono::seconds(cfg_.outbox.lease_s),
                              .backoff_base = std::chrono::seconds(cfg_.outbox.backoff_base_s),
                              .backoff_max = std::chrono::seconds(cfg_.outbox.backoff_max_s),
                              .public_url = cfg_.has_rest ? cfg_.rest.public_url : ""},
      [conninfo = conninfo_] { return std::make_unique<adapters::postgres::PgOutboxStore>(conninfo); }, *notifier_,
      core::rules_from(registry_));
  dispatcher_->start();
  return true;
}

void Daemon::start_scheduler() {
  jobs_ = std::make_unique<Jobs>(conninfo_, clock_);
  auto& s = jobs_->scheduler;
  s.add(core::points_expiry_job(jobs_->expiry));
  s.add(core::birthday_job(jobs_->birthdays, core::rules_from(registry_)));
  // Before the purges: at start (a first run may purge a backlog for
  // minutes) the reports' rollups come first.
  s.add(core::report_rollup_job(jobs_->rollups, core::rules_from(registry_)));
  s.add(core::dead_letter_purge_job(jobs_->letters, std::chrono::days(cfg_.dead_letters.retention_days)));
  s.add(core::retention_purge_job(jobs_->retention,
                                  {.notifications = std::chrono::days(cfg_.retention.notifications_days),
                                   .login_failures = std::chrono::days(cfg_.retention.login_failures_days),
                                   .expired_tokens = std::chrono::days(cfg_.retention.expired_tokens_days)}));
  // Reminders, announcements and alerts are only pushes: without FCM they
  // would wait in the outbox and arrive stale once it is configured.
  if (cfg_.has_fcm) {
    s.add(core::expiry_reminder_job(jobs_->pushes, core::rules_from(registry_)));
    s.add(core::promo_announcement_job(jobs_->pushes, core::rules_from(registry_)));
    s.add(core::dead_letter_alert_job(jobs_->pushes));
  }
  s.start();
}

// Until SIGTERM, once a tick: the systemd watchdog, rule files changed on
// disk, refunds whose sale never came (rejected after
// refunds.park_timeout_s, with a database session of their own), the
// disabled stores (every kDisabledStoresEvery), SIGHUP.
void Daemon::main_loop(core::StoreRegistry& stores) {
  adapters::postgres::PgPosLedger housekeeping(conninfo_);
  const auto park_check = std::chrono::seconds(std::min(60, cfg_.refunds.park_timeout_s));
  auto next_park_check = std::chrono::steady_clock::now() + park_check;
  // A poll, not LISTEN/NOTIFY: one small read every few seconds, on the
  // main loop's session, costs nothing and needs no listening connection,
  // and reaches every setiad on every machine the same way; "within
  // seconds" is what a disable needs (the broker refuses the tills at once).
  constexpr auto kDisabledStoresEvery = std::chrono::seconds(5);
  auto next_stores_check = std::chrono::steady_clock::now() + kDisabledStoresEvery;
  RulesWatch rules_watch(registry_.dir());

  std::uint64_t watchdog_usec = 0;
  bool watchdog = sd_watchdog_enabled(0, &watchdog_usec) > 0;
  auto tick = std::chrono::microseconds(std::chrono::seconds(1));
  if (watchdog) tick = std::min(tick, std::chrono::microseconds(watchdog_usec / 2));
  std::unique_lock lock(signals_.mu);
  while (!signals_.stopping.load()) {
    signals_.cv.wait_for(lock, tick, [&] { return signals_.stopping.load() || signals_.reload; });
    if (watchdog) sd_notify(0, "WATCHDOG=1");
    if (rules_watch.changed()) {
      // Let an editor finish writing (several events, a rename) first.
      lock.unlock();
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      rules_watch.changed();
      lock.lock();
      log::get("rules")->info("a file in {} changed: reloading", registry_.dir());
      signals_.reload = true;
    }
    if (std::chrono::steady_clock::now() >= next_park_check && !signals_.stopping.load()) {
      lock.unlock();
      core::expire_parked_refunds(housekeeping, *transport_, clock_, cfg_.refunds.park_timeout_s);
      next_park_check = std::chrono::steady_clock::now() + park_check;
      lock.lock();
    }
    if (std::chrono::steady_clock::now() >= next_stores_check && !signals_.stopping.load()) {
      lock.unlock();
      refresh_disabled_stores(stores);
      next_stores_check = std::chrono::steady_clock::now() + kDisabledStoresEvery;
      lock.lock();
    }
    if (signals_.reload && !signals_.stopping.load()) {
      signals_.reload = false;
      lock.unlock();
      reload_rules();
      lock.lock();
    }
  }
}

// A database that does not answer keeps the set it had (said once in a
// while); each change is logged by every setiad.
void Daemon::refresh_disabled_stores(core::StoreRegistry& stores) {
  auto disabled = stores.disabled_stores();
  auto daemon_log = log::get("daemon");
  if (!disabled) {
    std::size_t suppressed = 0;
    if (stores_failed_log_.allow(suppressed)) {
      daemon_log->warn("cannot read the disabled stores, keeping the ones known ({} similar suppressed): {}",
                       suppressed, disabled.error().message);
    }
    return;
  }
  for (const auto& s : *disabled) {
    if (!disabled_stores_.find(s.store_id)) {
      daemon_log->warn("store {} is disabled ({}): its events become dead letters (store_disabled)", s.store_id,
                       s.disabled_reason);
    }
  }
  for (const auto& id : disabled_stores_.ids()) {
    if (std::ranges::none_of(*disabled, [&](const auto& s) { return s.store_id == id; })) {
      daemon_log->info("store {} is enabled again", id);
    }
  }
  disabled_stores_.replace(*disabled);
}

// A bad rule file keeps its store's rules in force; the other stores'
// changes apply.
void Daemon::reload_rules(bool tell_systemd) {
  if (tell_systemd) {
    sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%llu", static_cast<unsigned long long>(monotonic_usec()));
  }
  auto rules_log = log::get("rules");
  if (auto book = registry_.reload()) {
    const auto stored =
        std::ranges::count_if((*book)->by_store, [](const auto& s) { return s.second->stored_version > 0; });
    rules_log->info("reloaded {} rule file(s), version {} ({} store(s) on a saved version)", (*book)->files.size(),
                    (*book)->version, stored);
    if (auto errors = (*book)->errors(); !errors.empty()) {
      rules_log->error(
          "broken rule files; those stores keep the rules they had, or get dead letters "
          "(rules_unavailable) when they had none: {}",
          rules::broken_stores_text(**book));
      for (const auto& e : errors) rules_log->error("  {}", e.to_string());
    }
  } else {
    rules_log->error("reload failed; the rules in force stay ({}):", registry_.current()->version);
    for (const auto& e : book.error()) rules_log->error("  {}", e.to_string());
  }
  if (tell_systemd) sd_notify(0, "READY=1");
}

// The event in hand is finished (the transport stops after its callback
// returns), then the jobs and sends in hand; the counters say what happened.
void Daemon::drain() {
  auto log = log::get("daemon");
  sd_notify(0, "STOPPING=1");
  log->info("stopping: finishing the event in hand");
  if (rest_) rest_->stop();
  if (rules_listener_) rules_listener_->stop();
  transport_->stop();
  jobs_->scheduler.stop();
  if (dispatcher_) dispatcher_->stop();
  const auto& c = pipeline_->counters();
  auto a = transport_->answer_stats();
  log->info("stopped: applied={} duplicate={} rejected={} store_retries={} answers_sent={} answers_unsent={}",
            c.applied.load(), c.duplicate.load(), c.rejected.load(), c.store_retries.load(),
            a.acknowledged - a.refused_by_broker, a.lost_at_exit + a.unsendable + a.refused_by_broker);
}

}  // namespace setia::setiad
