#include "adapters/rest/http_errors.h"

#include <nlohmann/json.hpp>

#include "adapters/rest/json_body.h"
#include "core/support/log.h"

namespace setia::adapters::rest {

ApiError to_api_error(const core::ServiceError& e) {
  using Kind = core::ServiceError::Kind;
  switch (e.kind) {
    case Kind::invalid: return {400, "invalid", e.message, e.reason};
    case Kind::unauthenticated: return {401, "unauthenticated", e.message, e.reason};
    case Kind::forbidden: return {403, "forbidden", e.message, e.reason};
    case Kind::not_found: return {404, "not_found", e.message, e.reason};
    case Kind::conflict: return {409, "conflict", e.message, e.reason};
    case Kind::rule_says_no: return {422, "unprocessable", e.message, e.reason};
    case Kind::rate_limited: return {429, "rate_limited", e.message, e.reason, std::max(1, e.retry_after_s)};
    case Kind::unavailable: return {503, "unavailable", e.message, e.reason, 1};
  }
  return {500, "internal", e.message, e.reason};
}

Response error_response(const ApiError& e) {
  nlohmann::json err = {{"code", e.code}, {"message", e.what()}};
  if (!e.reason.empty()) err["reason"] = e.reason;
  Response r;
  r.status = e.status;
  r.body = dump_json({{"error", err}});
  if (e.retry_after_s > 0) r.headers.emplace_back("Retry-After", std::to_string(e.retry_after_s));
  if (e.status == 401) r.headers.emplace_back("WWW-Authenticate", "Bearer");
  return r;
}

ApiError unavailable_for_callers(const std::string& method, const std::string& route, const ApiError& e) {
  static log::RateLimit said(std::chrono::seconds(10));
  std::size_t suppressed = 0;
  if (said.allow(suppressed)) {
    log::get("rest")->warn("{} {}: 503: {} ({} similar suppressed)", method, route, e.what(), suppressed);
  }
  return {503, "unavailable", kUnavailableText, e.reason, std::max(1, e.retry_after_s)};
}

ApiError bad_request(const std::string& message) { return {400, "invalid", message}; }
ApiError not_found(const std::string& message) { return {404, "not_found", message}; }
ApiError forbidden(const std::string& message, const std::string& reason) {
  return {403, "forbidden", message, reason};
}
ApiError unauthenticated(const std::string& message) { return {401, "unauthenticated", message}; }

}  // namespace setia::adapters::rest
