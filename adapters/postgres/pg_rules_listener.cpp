#include "adapters/postgres/pg_rules_listener.h"

#include <poll.h>

#include <algorithm>
#include <cerrno>

#include <memory>

#include <libpq-fe.h>

#include "core/support/log.h"

namespace setia::adapters::postgres {
namespace {

using Conn = std::unique_ptr<PGconn, decltype(&PQfinish)>;
constexpr auto kProbe = std::chrono::seconds(30);

bool exec_ok(PGconn* c, const char* sql) {
  std::unique_ptr<PGresult, decltype(&PQclear)> r(PQexec(c, sql), &PQclear);
  auto st = PQresultStatus(r.get());
  return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
}

}  // namespace

PgRulesListener::PgRulesListener(std::string conninfo, std::function<void(const std::string& payload)> changed)
    : conninfo_(std::move(conninfo)), changed_(std::move(changed)) {}

PgRulesListener::~PgRulesListener() { stop(); }

void PgRulesListener::start() {
  thread_ = std::thread([this] { run(); });
  // The caller reloads next: a save committed before the LISTEN would
  // otherwise be missed until the next one.
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, std::chrono::seconds(5), [&] { return first_done_ || stop_.load(); });
}

void PgRulesListener::stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool PgRulesListener::pause(std::chrono::milliseconds d) {
  std::unique_lock lock(mu_);
  return !cv_.wait_for(lock, d, [&] { return stop_.load(); });
}

void PgRulesListener::run() {
  auto log = log::get("rules");
  log::RateLimit down(std::chrono::seconds(60));
  auto delay = std::chrono::milliseconds(500);
  bool first = true;
  auto first_attempt_done = [&] {
    if (!first) return;
    first = false;
    std::lock_guard lock(mu_);
    first_done_ = true;
    cv_.notify_all();
  };
  while (!stop_) {
    Conn c(PQconnectdb(conninfo_.c_str()), &PQfinish);
    if (PQstatus(c.get()) != CONNECTION_OK || !exec_ok(c.get(), "LISTEN setia_rules")) {
      first_attempt_done();
      std::size_t suppressed = 0;
      if (down.allow(suppressed)) {
        log->warn("rules: cannot listen for saved rule versions, retrying ({} similar suppressed): {}", suppressed,
                  PQerrorMessage(c.get()));
      }
      if (!pause(delay)) return;
      delay = std::min(delay * 2, std::chrono::milliseconds(10000));
      continue;
    }
    delay = std::chrono::milliseconds(500);
    log->info("rules: listening for saved rule versions");
    if (first) {
      first_attempt_done();  // start()'s caller reloads next
    } else {
      changed_("");  // what was saved while no one listened
    }
    auto next_probe = std::chrono::steady_clock::now() + kProbe;
    bool alive = true;
    while (!stop_ && alive) {
      pollfd p{PQsocket(c.get()), POLLIN, 0};
      int ready = ::poll(&p, 1, 500);
      if (ready < 0 && errno != EINTR) alive = false;
      if (ready > 0 && !PQconsumeInput(c.get())) alive = false;
      while (PGnotify* n = PQnotifies(c.get())) {
        const std::string payload = n->extra ? n->extra : "";
        PQfreemem(n);
        log->info("rules: version saved: {}", payload);
        changed_(payload);
      }
      if (alive && std::chrono::steady_clock::now() >= next_probe) {
        alive = exec_ok(c.get(), "SELECT 1");
        next_probe = std::chrono::steady_clock::now() + kProbe;
      }
      if (PQstatus(c.get()) != CONNECTION_OK) alive = false;
    }
    if (!stop_) log->warn("rules: the listening connection was lost; reconnecting");
  }
}

}  // namespace setia::adapters::postgres
