#pragma once

#include <expected>
#include <string>

namespace setia::core {

// A refusal of a core service that a person (or the REST adapter) can act
// on: `invalid` (what was wrong, what was expected), `conflict` (taken,
// already used, sold out), `unavailable` (the store is down: try again),
// `not_found` (no such member, reward or promo), `rule_says_no` (the rule
// file or the balance refuses it: points short, outside its dates). The
// REST adapter maps them to 400, 409, 503, 404 and 422 in one place
// (adapters/rest/http_errors.cpp).
struct ServiceError {
  enum class Kind {
    invalid,
    conflict,
    unavailable,
    not_found,
    rule_says_no,
                    // Added for the REST adapter's accounts (core/services/auth.h):
                    // no or a wrong credential (401), a credential that does
                    // not reach this (403), too many attempts (429).
    unauthenticated,
    forbidden,
    rate_limited
  };
  Kind kind;
  std::string message;
  std::string reason = {};  // a stable code for apps when there is one, e.g. insufficient_points
  int retry_after_s = 0;    // rate_limited: when to try again
};

// The services' way of refusing: return fail(Kind::conflict, "...", "sold_out").
inline std::unexpected<ServiceError> fail(ServiceError::Kind kind, std::string message, std::string reason = {}) {
  return std::unexpected(ServiceError{kind, std::move(message), std::move(reason)});
}

}  // namespace setia::core
