#pragma once

#include <chrono>
#include <expected>
#include <memory>
#include <mutex>
#include <string>

#include "adapters/fcm/fcm_credentials.h"
#include "adapters/fcm/https_client.h"
#include "core/ports/clock.h"

namespace setia::adapters::fcm {

// OAuth2 access tokens for FCM from a service account (Google's "JWT bearer"
// flow, RFC 7523): a JWT signed RS256 with the account's key is exchanged at
// `token_uri` for an access token that lasts about an hour. The token is
// cached and refreshed 5 minutes before it expires, so sends do not wait on
// the token endpoint. Thread-safe: callers that find no valid token wait for
// one fetch instead of each fetching their own.
class OAuthTokenSource {
 public:
  static constexpr const char* kScope = "https://www.googleapis.com/auth/firebase.messaging";
  static constexpr std::chrono::minutes kRefreshMargin{5};

  // Fails when the service account's key cannot be read.
  static std::expected<std::unique_ptr<OAuthTokenSource>, std::string> create(ServiceAccount account,
                                                                              std::string token_uri, HttpsClient& http,
                                                                              const core::Clock& clock);
  ~OAuthTokenSource();

  // A token to send with, or why there is none (network, TLS, invalid_grant).
  std::expected<std::string, std::string> token();

  // FCM refused `token` (401): forget it unless it was already replaced.
  void invalidate(const std::string& token);

  // The signed assertion for `now` (header.claims.signature, base64url).
  std::expected<std::string, std::string> assertion(std::chrono::system_clock::time_point now) const;

 private:
  OAuthTokenSource(ServiceAccount account, std::string token_uri, HttpsClient& http, const core::Clock& clock,
                   void* key);
  std::expected<std::string, std::string> fetch(std::chrono::system_clock::time_point now);

  ServiceAccount account_;
  std::string token_uri_;
  HttpsClient& http_;
  const core::Clock& clock_;
  void* key_;  // EVP_PKEY*, kept opaque so that users need no OpenSSL header

  std::mutex mu_;
  std::string token_;
  std::chrono::system_clock::time_point refresh_at_{}, expires_at_{};
};

}  // namespace setia::adapters::fcm
