#include "adapters/rest/rest_api.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "adapters/rest/http_errors.h"
#include "core/services/store_time_text.h"
#include "core/support/log.h"

namespace setia::adapters::rest {
namespace {

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

// "Bearer <token>" (the scheme in any case); empty when absent.
std::string bearer(const std::string& authorization) {
  if (authorization.size() < 7) return "";
  std::string scheme = authorization.substr(0, 7);
  std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (scheme != "bearer ") return "";
  return trim(authorization.substr(7));
}

}  // namespace

long long path_id(const Call& call, const std::string& name, const std::string& what) {
  const auto& s = call.param(name);
  long long v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v <= 0) throw not_found("no such " + what);
  return v;
}

std::string Call::time(std::int64_t unix_seconds, const std::string& store) const {
  return core::store_time_text(unix_seconds, store_rules(store));
}

std::string Call::client_address() const {
  const auto& proxies = api.options().trusted_proxies;
  if (api.options().trust_forwarded_for && !request.forwarded_for.empty() &&
      std::find(proxies.begin(), proxies.end(), request.client_address) != proxies.end()) {
    // The proxy appends the address it saw last; earlier entries are the
    // client's to forge, and so is the whole header of a request that did
    // not come through one of our proxies.
    auto comma = request.forwarded_for.rfind(',');
    auto last = trim(comma == std::string::npos ? request.forwarded_for : request.forwarded_for.substr(comma + 1));
    if (!last.empty()) return last;
  }
  return request.client_address;
}

std::string Call::base_url() const {
  if (!api.options().public_url.empty()) return api.options().public_url;
  return "http://" + (request.host.empty() ? std::string("localhost") : request.host);
}

RestApi::RestApi(RestOptions options, RestDeps deps)
    : options_(std::move(options)),
      deps_(std::move(deps)),
      pool_(deps_.backends, std::max<std::size_t>(1, options_.workers)),
      static_files_(options_.static_mounts) {
  add_auth_routes(router_);
  add_member_routes(router_);
  add_offer_routes(router_);
  add_admin_routes(router_);
  add_admin_account_routes(router_);
  add_report_routes(router_);
  add_ops_routes(router_);
  add_reservation_routes(router_);
  add_store_routes(router_);
  add_rules_routes(router_);
}

Response RestApi::handle(const Request& request) noexcept { return dispatch(request, false); }
Response RestApi::handle_ops(const Request& request) noexcept { return dispatch(request, true); }

namespace {

// Whether a browser's request comes from a page of another site: its Origin
// (which browsers send with every POST, PUT, PATCH and DELETE, and with
// cross-site requests) names another host than the one asked. Apps and
// scripts send no Origin.
bool cross_site(const Request& request, const RestOptions& options) {
  if (request.origin.empty()) return false;
  auto authority = [](const std::string& url) {
    auto scheme = url.find("://");
    auto from = scheme == std::string::npos ? 0 : scheme + 3;
    auto to = url.find('/', from);
    std::string a = url.substr(from, to == std::string::npos ? std::string::npos : to - from);
    std::transform(a.begin(), a.end(), a.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return a;
  };
  const auto origin = authority(request.origin);
  std::string host = request.host;
  std::transform(host.begin(), host.end(), host.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (origin == host) return false;
  // Behind a proxy that rewrites Host: the public address.
  return options.public_url.empty() || origin != authority(options.public_url);
}

}  // namespace

Response RestApi::route(const Request& request, bool ops_listener, std::string& label) {
  if (!ops_listener && !static_files_.empty()) {
    if (const auto* mount = static_files_.mount_of(request.path)) {
      label = mount->prefix;
      return static_files_.serve(*mount, request);
    }
  }
  if (request.method != "GET" && request.method != "HEAD" && cross_site(request, options_)) {
    // A page of another site cannot act here with a browser's help. (It
    // could not anyway: the API reads its token from the Authorization
    // header, which a browser never adds on its own, and answers no CORS
    // preflight. This refuses the attempt before anything is read.)
    throw forbidden("requests from pages of another site are refused (Origin: " + request.origin + ")", "cross_site");
  }
  auto m = router_.match(request.method, request.path);
  bool ops_route = m.route && m.route->access == Access::ops;
  // The ops listener serves only /healthz and /metrics; with a separate ops
  // listener the API listener does not serve them.
  if (m.route && (ops_listener != ops_route) && (ops_listener || options_.separate_ops)) {
    m.route = nullptr;
    m.allow.clear();
  }
  if (!m.route) {
    if (!m.allow.empty()) {
      ApiError e(405, "method_not_allowed", "use " + m.allow + " on this path");
      auto res = error_response(e);
      res.headers.emplace_back("Allow", m.allow);
      return res;
    }
    throw not_found("no such path: " + request.path);
  }
  label = m.route->pattern;
  auto query = parse_query(request.query);
  auto lease = pool_.acquire();
  Call call{request,
            *m.route,
            std::move(m.params),
            std::move(query),
            std::nullopt,
            *lease,
            *this,
            deps_.rules ? deps_.rules->current() : nullptr};
  if (m.route->access == Access::member || m.route->access == Access::admin || m.route->access == Access::owner ||
      m.route->access == Access::token) {
    std::string token = bearer(request.authorization);
    if (token.empty()) throw unauthenticated("this path needs Authorization: Bearer <token>");
    call.principal = unwrap(lease->auth->authenticate(token));
    const bool is_admin = call.principal->role == core::Role::admin;
    if ((m.route->access == Access::admin || m.route->access == Access::owner) && !is_admin) {
      throw forbidden("this path is for admins; a member token never reaches it");
    }
    if (m.route->access == Access::owner && call.principal->admin_role == core::AdminRole::staff) {
      throw forbidden("this path is for the store's owners; staff do not reach it", "owner_only");
    }
    if (m.route->access == Access::member && call.principal->role != core::Role::member) {
      throw forbidden("this path is for members; admins use /v1/admin/...");
    }
  }
  return m.route->handler(call);
}

namespace {

// Every response is read as the type it says (nosniff); every HTML page
// the API renders (the e-nota) may run no script at all, load nothing from elsewhere, and
// be framed by no one. Its one inline <style> is what 'unsafe-inline'
// allows for styles only.
void add_security_headers(Response& res) noexcept {
  try {
    res.headers.emplace_back("X-Content-Type-Options", "nosniff");
    const bool has_csp = std::any_of(res.headers.begin(), res.headers.end(),
                                     [](const auto& h) { return h.first == "Content-Security-Policy"; });
    // The console's pages (static_files.cpp) bring their own policy.
    if (res.content_type.starts_with("text/html") && !has_csp) {
      res.headers.emplace_back("Content-Security-Policy",
                               "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
                               "base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
      res.headers.emplace_back("Referrer-Policy", "no-referrer");
    }
  } catch (...) {
  }
}

}  // namespace

Response RestApi::dispatch(const Request& request, bool ops_listener) noexcept {
  auto start = std::chrono::steady_clock::now();
  std::string label = "unmatched";
  Response res;
  try {
    try {
      res = route(request, ops_listener, label);
    } catch (const ApiError& e) {
      res = error_response(e.status == 503 ? unavailable_for_callers(request.method, label, e) : e);
    } catch (const std::exception& e) {
      log::get("rest")->error("{} {}: unexpected error: {}", request.method, label, e.what());
      res = error_response(ApiError(500, "internal", "internal error"));
    } catch (...) {
      log::get("rest")->error("{} {}: unexpected non-standard exception", request.method, label);
      res = error_response(ApiError(500, "internal", "internal error"));
    }
    if (deps_.metrics) {
      // Labels from the route table only (never the raw path or method), so
      // that a scan of random URLs cannot grow the series without bound.
      std::string method = label == "unmatched" ? "other" : request.method;
      deps_.metrics
          ->counter("setia_http_requests_total", "REST requests by route template, method and status",
                    {{"route", label}, {"method", method}, {"status", std::to_string(res.status)}})
          .inc();
      deps_.metrics
          ->histogram("setia_http_request_duration_seconds", "REST request latency by route template",
                      {{"route", label}})
          .observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
  } catch (...) {
    // Out of memory while building an error: the session still answers 500.
    res = Response{500, "application/json", R"({"error":{"code":"internal","message":"internal error"}})", {}, true};
  }
  add_security_headers(res);
  return res;
}

}  // namespace setia::adapters::rest
