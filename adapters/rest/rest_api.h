#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "adapters/rest/backend.h"
#include "adapters/rest/http_message.h"
#include "adapters/rest/router.h"
#include "adapters/rest/static_files.h"
#include "core/ports/credential_store.h"
#include "core/support/metrics.h"
#include "rules/registry.h"

namespace setia::adapters::rest {

struct RestOptions {
  std::string public_url;           // base of links in e-nota QR codes; empty: from the Host header
  bool trust_forwarded_for = false; // behind a proxy: the client is the last X-Forwarded-For entry...
  std::vector<std::string> trusted_proxies{"127.0.0.1", "::1"};  // ...when the request comes from one of these
  bool separate_ops = false;        // /healthz and /metrics only on the ops listener
  std::size_t workers = 4;          // backends in the pool: one per server thread
  // Folders of web pages served under a prefix (the console at /console/):
  // on the API listener only, to anyone (the pages hold no data; the API
  // calls they make carry the token).
  std::vector<StaticMount> static_mounts;
};

// What the process around the API provides.
struct RestDeps {
  BackendFactory backends;
  const rules::Registry* rules = nullptr;
  metrics::Registry* metrics = nullptr;
  std::function<bool()> broker_connected;  // for /healthz; none: not reported
};

class RestApi;

// One request on its way through a handler.
struct Call {
  const Request& request;
  const Route& route;
  std::map<std::string, std::string> params;
  std::map<std::string, std::string> query;
  std::optional<core::Principal> principal;
  Backend& backend;
  const RestApi& api;
  std::shared_ptr<const rules::RuleBook> rules;  // taken once: a reload falls between requests

  const std::string& param(const std::string& name) const { return params.at(name); }
  const core::Principal& who() const { return *principal; }
  const rules::RuleSet* store_rules(const std::string& store) const {
    return rules ? rules->for_store(store) : nullptr;
  }
  // RFC 3339 with the store's UTC offset.
  std::string time(std::int64_t unix_seconds, const std::string& store) const;
  std::string client_address() const;
  // The base URL for links (rest.public_url, else http://Host).
  std::string base_url() const;
};

// The REST API of the contract (docs/openapi.yaml): routing,
// authentication and authorization, errors in one shape, metrics per route.
// Handlers live in *_handlers.cpp; this class never lets an exception out.
class RestApi {
 public:
  RestApi(RestOptions options, RestDeps deps);

  // The API listener (and /healthz, /metrics unless separate_ops).
  Response handle(const Request& request) noexcept;
  // The ops listener: /healthz and /metrics only.
  Response handle_ops(const Request& request) noexcept;

  const Router& router() const { return router_; }
  const RestOptions& options() const { return options_; }
  const RestDeps& deps() const { return deps_; }

 private:
  Response dispatch(const Request& request, bool ops_listener) noexcept;
  Response route(const Request& request, bool ops_listener, std::string& label);

  RestOptions options_;
  RestDeps deps_;
  BackendPool pool_;
  Router router_;
  StaticFiles static_files_;
};

// A numeric id in the path; anything else is a 404 (not a 400, so that ids
// cannot be told apart by the error). `what` names it in the message.
long long path_id(const Call& call, const std::string& name, const std::string& what);

// Route tables, one per handler file.
void add_auth_routes(Router& r);
void add_member_routes(Router& r);
void add_offer_routes(Router& r);
void add_admin_routes(Router& r);
void add_admin_account_routes(Router& r);
void add_report_routes(Router& r);
void add_ops_routes(Router& r);
void add_reservation_routes(Router& r);
void add_store_routes(Router& r);
void add_rules_routes(Router& r);

}  // namespace setia::adapters::rest
