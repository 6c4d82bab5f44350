#pragma once

#include <expected>
#include <memory>
#include <string>

#include "adapters/fcm/fcm_options.h"
#include "adapters/fcm/https_client.h"
#include "adapters/fcm/oauth_token_source.h"
#include "core/ports/notifier.h"
#include "core/support/log.h"

namespace setia::adapters::fcm {

// Pushes through Firebase Cloud Messaging's HTTP v1 API. Thread-safe: the
// outbox dispatcher's workers call send() concurrently; they share one
// access token and a pool of HTTPS connections. Each send is one request
// (two when FCM refuses the access token: it is refreshed and the send
// retried once); waits and backoff are the dispatcher's, from the outcome.
class FcmNotifier final : public core::Notifier {
 public:
  // Reads the service account and checks the options; an error here is a
  // start-up error (bad key file, no project id, a non-https endpoint).
  // `clock` (the JWT's iat, the token's expiry) must outlive the notifier.
  static std::expected<std::unique_ptr<FcmNotifier>, std::string> create(FcmOptions options, const core::Clock& clock);

  // core::Notifier
  core::DeliveryOutcome send(const core::PushMessage& message) override;

 private:
  FcmNotifier(FcmOptions options, std::string send_url);
  HttpResponse post(const std::string& body, const std::string& access_token);

  FcmOptions options_;
  std::string send_url_;
  HttpsClient http_;
  std::unique_ptr<OAuthTokenSource> tokens_;
  log::RateLimit retry_log_limit_;
};

}  // namespace setia::adapters::fcm
