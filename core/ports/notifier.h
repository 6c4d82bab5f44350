#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>

namespace setia::core {

// One push to one device (or an FCM topic), as the outbox dispatcher hands
// it to a Notifier. `id` is stable across retries (the outbox row's id): it
// becomes the collapse key / notification tag, so a resend after a crash
// replaces the first on the phone instead of showing twice.
struct PushMessage {
  std::string id;
  std::string device_token;  // empty when `topic` is set
  std::string topic;         // e.g. "setia-admins-marikh-salatiga"
  std::string title;
  std::string body;
  std::map<std::string, std::string> data;  // FCM data values are strings
  std::string link;                          // optional URL (e.g. the e-nota page)
};

// What a delivery adapter answers, in three words (fluent-bit's
// FLB_OK / FLB_RETRY / FLB_ERROR).
struct DeliveryOutcome {
  enum class Kind { delivered, retry_later, failed };
  Kind kind = Kind::delivered;
  std::optional<std::chrono::seconds> retry_after;  // the service asked for this wait
  bool drop_device_token = false;                   // the token is dead (UNREGISTERED, SENDER_ID_MISMATCH)
  std::string detail;                               // for logs and the admin's view of dead rows
};

// Sends pushes. Called from dispatcher worker threads; each implementation
// documents its own thread-safety.
class Notifier {
 public:
  virtual ~Notifier() = default;
  virtual DeliveryOutcome send(const PushMessage& message) = 0;
};

}  // namespace setia::core
