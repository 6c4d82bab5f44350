#include "adapters/fcm/fcm_response.h"

#include <nlohmann/json.hpp>

namespace setia::adapters::fcm {
namespace {

using Kind = core::DeliveryOutcome::Kind;

constexpr std::string_view kFcmErrorType = "type.googleapis.com/google.firebase.fcm.v1.FcmError";
constexpr std::string_view kBadRequestType = "type.googleapis.com/google.rpc.BadRequest";

std::string string_at(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string describe(const FcmError& e) {
  std::string d = std::to_string(e.http_status);
  if (!e.error_code.empty())
    d += " " + e.error_code;
  else if (!e.status.empty())
    d += " " + e.status;
  if (!e.message.empty()) d += ": " + e.message;
  return d;
}

core::DeliveryOutcome outcome(Kind kind, std::string detail, bool drop = false) {
  core::DeliveryOutcome o;
  o.kind = kind;
  o.detail = std::move(detail);
  o.drop_device_token = drop;
  return o;
}

}  // namespace

FcmError parse_fcm_error(long http_status, std::string_view body) {
  FcmError e;
  e.http_status = http_status;
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_object() || !j.contains("error") || !j["error"].is_object()) return e;
  const auto& err = j["error"];
  e.status = string_at(err, "status");
  e.message = string_at(err, "message");
  auto details = err.find("details");
  if (details == err.end() || !details->is_array()) return e;
  for (const auto& d : *details) {
    if (!d.is_object()) continue;
    const std::string type = string_at(d, "@type");
    if (type == kFcmErrorType) e.error_code = string_at(d, "errorCode");
    if (type == kBadRequestType && d.contains("fieldViolations") && d["fieldViolations"].is_array()) {
      for (const auto& v : d["fieldViolations"])
        if (v.is_object() && string_at(v, "field") == "message.token") e.bad_token_field = true;
    }
  }
  return e;
}

bool wants_new_token(const FcmError& e) {
  return e.http_status == 401 && (e.error_code.empty() || e.error_code == "UNAUTHENTICATED");
}

core::DeliveryOutcome classify(const HttpResponse& r) {
  if (r.status == 0) {
    auto o = outcome(Kind::retry_later, (r.tls_error   ? "TLS: "
                                         : r.timed_out ? "timeout: "
                                                       : "network: ") +
                                            r.transport_error);
    return o;
  }
  if (r.status >= 200 && r.status < 300) {
    auto j = nlohmann::json::parse(r.body, nullptr, false);
    return outcome(Kind::delivered, j.is_object() ? string_at(j, "name") : std::string());
  }
  const FcmError e = parse_fcm_error(r.status, r.body);
  const std::string detail = describe(e);
  const std::string& code = e.error_code;
  if (code == "UNREGISTERED" || code == "SENDER_ID_MISMATCH") return outcome(Kind::failed, detail, true);
  if (code == "INVALID_ARGUMENT") return outcome(Kind::failed, detail, e.bad_token_field);
  if (code == "THIRD_PARTY_AUTH_ERROR") return outcome(Kind::failed, detail);
  const bool retry = code == "QUOTA_EXCEEDED" || code == "UNAVAILABLE" || code == "INTERNAL" || r.status == 401 ||
                     r.status == 408 || r.status == 429 || r.status >= 500;
  if (!retry) return outcome(Kind::failed, detail);
  auto o = outcome(Kind::retry_later, detail);
  o.retry_after = r.retry_after;
  return o;
}

}  // namespace setia::adapters::fcm
