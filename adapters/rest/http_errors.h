#pragma once

#include <stdexcept>
#include <string>

#include "adapters/rest/http_message.h"
#include "core/services/service_error.h"

namespace setia::adapters::rest {

// An answer other than success, as the contract writes it:
// {"error": {"code": "not_found", "message": "...", "reason": "..."}}.
// Thrown by handlers, caught once in RestApi::handle.
struct ApiError : std::runtime_error {
  ApiError(unsigned status_in, std::string code_in, const std::string& message, std::string reason_in = {},
           int retry_after_in = 0)
      : std::runtime_error(message),
        status(status_in),
        code(std::move(code_in)),
        reason(std::move(reason_in)),
        retry_after_s(retry_after_in) {}
  unsigned status;
  std::string code;
  std::string reason;
  int retry_after_s;
};

// The one place where a core::ServiceError becomes an HTTP status and code.
ApiError to_api_error(const core::ServiceError& e);

// The response for an error (with Retry-After when given).
Response error_response(const ApiError& e);

// A 503 as callers get it: what failed (a database's SQLSTATE and
// statement, a connection refused) is logged, rate-limited, with the
// route; the caller reads only that it may try again, and when.
inline constexpr const char* kUnavailableText =
    "Setia cannot answer right now (it is busy or under maintenance); try again in a few seconds";
ApiError unavailable_for_callers(const std::string& method, const std::string& route, const ApiError& e);

// Shorthands for the errors the adapter itself decides.
ApiError bad_request(const std::string& message);
ApiError not_found(const std::string& message = "no such resource");
ApiError forbidden(const std::string& message, const std::string& reason = {});
ApiError unauthenticated(const std::string& message);

// The value of an expected, or its ServiceError thrown as an ApiError.
template <class E>
auto unwrap(E&& r) {
  if (!r) throw to_api_error(r.error());
  if constexpr (!std::is_void_v<typename std::remove_cvref_t<E>::value_type>) return std::move(*r);
}

}  // namespace setia::adapters::rest
