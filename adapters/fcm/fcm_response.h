#pragma once

#include <string>
#include <string_view>

#include "adapters/fcm/https_client.h"
#include "core/ports/notifier.h"

namespace setia::adapters::fcm {

// The parts of an FCM v1 error answer that decide what to do.
struct FcmError {
  long http_status = 0;
  std::string status;      // google.rpc status name: "NOT_FOUND", "UNAUTHENTICATED", ...
  std::string error_code;  // from the type.googleapis.com/google.firebase.fcm.v1.FcmError detail; may be empty
  std::string message;
  bool bad_token_field = false;  // a google.rpc.BadRequest violation names message.token
};

FcmError parse_fcm_error(long http_status, std::string_view body);

// 401 that is about our access token (no errorCode, or UNAUTHENTICATED),
// not THIRD_PARTY_AUTH_ERROR (the APNs/web-push credential in the Firebase
// project): a fresh token may fix it.
bool wants_new_token(const FcmError& e);

// The one place that maps FCM's answers to the three words of a Notifier
// (docs/operations.md, Notifications):
//   2xx                                   delivered
//   UNREGISTERED, SENDER_ID_MISMATCH      failed, drop the device token
//   INVALID_ARGUMENT                      failed (drop the token too when the violation names it)
//   THIRD_PARTY_AUTH_ERROR                failed
//   QUOTA_EXCEEDED, UNAVAILABLE, INTERNAL retry later, after Retry-After when given
//   no errorCode: 401, 408, 429, 5xx      retry later; any other 4xx failed
//   no HTTP answer (network, TLS, timeout) retry later
core::DeliveryOutcome classify(const HttpResponse& response);

}  // namespace setia::adapters::fcm
