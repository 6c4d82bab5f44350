#include "adapters/fcm/fcm_message.h"

#include <nlohmann/json.hpp>

namespace setia::adapters::fcm {
namespace {

// The parts of the message that count toward the payload limit.
nlohmann::json payload_parts(const core::PushMessage& m) {
  nlohmann::json p = nlohmann::json::object();
  if (!m.title.empty() || !m.body.empty()) {
    nlohmann::json n = nlohmann::json::object();
    if (!m.title.empty()) n["title"] = m.title;
    if (!m.body.empty()) n["body"] = m.body;
    p["notification"] = std::move(n);
  }
  nlohmann::json data = nlohmann::json::object();
  for (const auto& [k, v] : m.data) data[k] = v;
  if (!m.link.empty()) data["link"] = m.link;
  if (!data.empty()) p["data"] = std::move(data);
  return p;
}

std::size_t dumped_size(const nlohmann::json& parts) {
  std::size_t n = 0;
  for (const auto& [key, value] : parts.items())
    n += value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).size();
  return n;
}

}  // namespace

std::size_t payload_bytes(const core::PushMessage& message) { return dumped_size(payload_parts(message)); }

std::expected<std::string, std::string> build_send_request(const core::PushMessage& m) {
  if (m.id.empty()) return std::unexpected(std::string("no message id (it is the collapse key)"));
  if (m.id.size() > kMaxIdBytes)
    return std::unexpected("message id longer than " + std::to_string(kMaxIdBytes) + " bytes");
  if (m.device_token.empty() == m.topic.empty())
    return std::unexpected(std::string("exactly one of device token and topic must be set"));

  nlohmann::json parts = payload_parts(m);
  const std::size_t size = dumped_size(parts);
  const std::size_t limit = m.topic.empty() ? kMaxPayloadBytes : kMaxTopicPayloadBytes;
  if (size > limit)
    return std::unexpected("payload of " + std::to_string(size) + " bytes is over FCM's " + std::to_string(limit));

  nlohmann::json msg = std::move(parts);
  if (!m.device_token.empty())
    msg["token"] = m.device_token;
  else
    msg["topic"] = m.topic;
  nlohmann::json android = {{"collapse_key", m.id}};
  if (msg.contains("notification")) android["notification"] = {{"tag", m.id}};
  msg["android"] = std::move(android);
  msg["apns"] = {{"headers", {{"apns-collapse-id", m.id}}}};
  // Invalid UTF-8 from anywhere becomes U+FFFD rather than an exception.
  return nlohmann::json{{"message", std::move(msg)}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace setia::adapters::fcm
