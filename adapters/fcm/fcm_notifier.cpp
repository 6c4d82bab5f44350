#include "adapters/fcm/fcm_notifier.h"

#include <algorithm>
#include <cctype>

#include "adapters/fcm/fcm_credentials.h"
#include "adapters/fcm/fcm_message.h"
#include "adapters/fcm/fcm_response.h"

namespace setia::adapters::fcm {
namespace {

using Kind = core::DeliveryOutcome::Kind;

// Firebase project ids: 6-30 lowercase letters, digits and hyphens. Checked
// because the id goes into the URL path.
bool valid_project_id(const std::string& id) {
  return id.size() >= 6 && id.size() <= 30 && std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
         });
}

// ", 12 similar suppressed" when the rate limit held lines back.
std::string suppressed_note(std::size_t n) {
  return n == 0 ? std::string() : " (" + std::to_string(n) + " similar suppressed)";
}

core::DeliveryOutcome failed(std::string detail) {
  core::DeliveryOutcome o;
  o.kind = Kind::failed;
  o.detail = std::move(detail);
  return o;
}

}  // namespace

std::expected<std::unique_ptr<FcmNotifier>, std::string> FcmNotifier::create(FcmOptions options,
                                                                             const core::Clock& clock) {
  if (!valid_project_id(options.project_id))
    return std::unexpected("fcm.project_id \"" + options.project_id + "\" is not a Firebase project id");
  while (options.endpoint.ends_with('/')) options.endpoint.pop_back();
  // The access token travels in every request: never in clear text.
  if (!options.endpoint.starts_with("https://"))
    return std::unexpected("fcm.endpoint must be an https:// URL, got \"" + options.endpoint + "\"");
  auto account = load_service_account(options.service_account_file);
  if (!account) return std::unexpected(account.error());
  if (options.token_uri.empty()) options.token_uri = account->token_uri;
  if (!options.token_uri.starts_with("https://"))
    return std::unexpected("fcm.token_uri must be an https:// URL, got \"" + options.token_uri + "\"");
  const std::string send_url = options.endpoint + "/v1/projects/" + options.project_id + "/messages:send";
  std::unique_ptr<FcmNotifier> n(new FcmNotifier(std::move(options), send_url));
  auto tokens = OAuthTokenSource::create(std::move(*account), n->options_.token_uri, n->http_, clock);
  if (!tokens) return std::unexpected(tokens.error());
  n->tokens_ = std::move(*tokens);
  return n;
}

FcmNotifier::FcmNotifier(FcmOptions options, std::string send_url)
    : options_(std::move(options)),
      send_url_(std::move(send_url)),
      http_(HttpsClient::Options{options_.ca_file, options_.connect_timeout, options_.request_timeout}) {}

HttpResponse FcmNotifier::post(const std::string& body, const std::string& access_token) {
  return http_.post(send_url_,
                    {"Authorization: Bearer " + access_token, "Content-Type: application/json; charset=UTF-8"}, body);
}

core::DeliveryOutcome FcmNotifier::send(const core::PushMessage& message) {
  auto logger = log::get("fcm");
  auto body = build_send_request(message);
  if (!body) {
    logger->error("push {}: not sent: {}", message.id, body.error());
    return failed(body.error());
  }
  auto token = tokens_->token();
  if (!token) {
    std::size_t suppressed = 0;
    if (retry_log_limit_.allow(suppressed))
      logger->warn("push {}: no access token, retry later: {}{}", message.id, token.error(),
                   suppressed_note(suppressed));
    core::DeliveryOutcome o;
    o.kind = Kind::retry_later;
    o.detail = token.error();
    return o;
  }
  HttpResponse response = post(*body, *token);
  if (response.status == 401 && wants_new_token(parse_fcm_error(response.status, response.body))) {
    // Revoked or expired early: one fresh token, one more try. A second 401
    // is left to the dispatcher's backoff rather than looping here.
    logger->info("push {}: FCM refused the access token; fetching a new one and sending again", message.id);
    tokens_->invalidate(*token);
    token = tokens_->token();
    if (token) response = post(*body, *token);
  }
  core::DeliveryOutcome outcome = classify(response);
  if (!token) outcome.detail = token.error();  // the refresh itself failed; the outcome stays retry later

  if (outcome.kind == Kind::delivered) {
    logger->debug("push {}: delivered {}", message.id, outcome.detail);
  } else if (outcome.kind == Kind::failed) {
    logger->warn("push {}: failed{}: {}", message.id, outcome.drop_device_token ? " (device token dropped)" : "",
                 outcome.detail);
  } else {
    std::size_t suppressed = 0;
    if (retry_log_limit_.allow(suppressed))
      logger->warn("push {}: retry later{}: {}{}", message.id,
                   outcome.retry_after ? " in " + std::to_string(outcome.retry_after->count()) + " s" : "",
                   outcome.detail, suppressed_note(suppressed));
  }
  return outcome;
}

}  // namespace setia::adapters::fcm
