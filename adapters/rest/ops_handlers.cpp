// GET /healthz and GET /metrics: no token, for load balancers, systemd
// watchdogs and Prometheus; on rest.ops_listen when it is set.
#include <chrono>

#include "adapters/rest/http_errors.h"
#include "adapters/rest/json_body.h"
#include "adapters/rest/rest_api.h"
#include "core/support/log.h"

namespace setia::adapters::rest {
namespace {

using nlohmann::json;

Response healthz(Call& call) {
  json checks = json::object();
  bool ok = true;
  if (const auto& broker = call.api.deps().broker_connected) {
    bool up = broker();
    checks["broker"] = {{"ok", up}};
    ok = ok && up;
  }
  auto start = std::chrono::steady_clock::now();
  auto ping = call.backend.ops->ping();
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  if (!ping) {
    // Unauthenticated: the reason goes to the log, not to whoever asks.
    static log::RateLimit said(std::chrono::seconds(10));
    std::size_t suppressed = 0;
    if (said.allow(suppressed)) {
      log::get("rest")->warn("/healthz: the database does not answer: {} ({} similar suppressed)", ping.error().message,
                             suppressed);
    }
  }
  checks["database"] = ping ? json{{"ok", true}, {"latency_ms", std::round(ms * 10) / 10}}
                            : json{{"ok", false}, {"error", "does not answer (setiad's log says why)"}};
  ok = ok && ping.has_value();
  if (call.rules) {
    // A broken store's file does not make this node unhealthy: the other
    // stores are served. The operator reads which stores it is here.
    json broken = json::object();
    for (const auto& [store, errors] : call.rules->broken) {
      broken[store] = call.rules->unavailable(store) ? "unavailable" : "kept its rules";
    }
    checks["rules"] = {{"ok", true},
                       {"version", call.rules->version},
                       {"files", call.rules->files.size()},
                       {"broken_stores", broken},
                       {"unattributed_errors", call.rules->unattributed.size()}};
  } else {
    checks["rules"] = {{"ok", false}};
    ok = false;
  }
  return json_response({{"status", ok ? "ok" : "unavailable"}, {"checks", checks}}, ok ? 200 : 503);
}

std::string gauge(const std::string& name, const std::string& help, const std::string& series) {
  return "# HELP " + name + " " + help + "\n# TYPE " + name + " gauge\n" + series;
}

Response metrics(Call& call) {
  auto* registry = call.api.deps().metrics;
  std::string text = registry ? registry->render() : "";
  // What lives in the database is read at scrape time, on this request's
  // own session (never from inside the registry, which has no session).
  if (auto backlog = call.backend.ops->outbox_backlog()) {
    std::string series;
    for (const auto& [status, n] : *backlog) {
      series += "setia_outbox_backlog{status=\"" + status + "\"} " + std::to_string(n) + "\n";
    }
    text += gauge("setia_outbox_backlog", "Outbox deliveries waiting (pending) or given up (dead)", series);
  }
  if (auto dead = call.backend.ops->dead_letter_total()) {
    text += gauge("setia_dead_letters_stored", "Dead letters in the database",
                  "setia_dead_letters_stored " + std::to_string(*dead) + "\n");
  }
  if (call.rules) {
    std::string series;
    for (const auto& [store, errors] : call.rules->broken) {
      series += "setia_rules_broken{store=\"" + store + "\",state=\"" +
                (call.rules->unavailable(store) ? "unavailable" : "kept") + "\"} 1\n";
    }
    series += "setia_rules_broken{store=\"\",state=\"unattributed\"} " +
              std::to_string(call.rules->unattributed.size()) + "\n";
    text += gauge("setia_rules_broken",
                  "Stores whose rule file is broken (kept: its earlier rules stay; unavailable: its events are dead "
                  "letters), and errors in files of no readable store",
                  series);
  }
  return Response{200, "text/plain; version=0.0.4; charset=utf-8", std::move(text), {}, false};
}

}  // namespace

void add_ops_routes(Router& r) {
  r.add("GET", "/healthz", Access::ops, healthz);
  r.add("GET", "/metrics", Access::ops, metrics);
}

}  // namespace setia::adapters::rest
