#pragma once

#include <cstddef>
#include <expected>
#include <string>

#include "core/ports/notifier.h"

namespace setia::adapters::fcm {

// FCM's payload limits: 4096 bytes for a message to a device, 2048 for one
// to a topic (docs/operations.md, Notifications).
inline constexpr std::size_t kMaxPayloadBytes = 4096;
inline constexpr std::size_t kMaxTopicPayloadBytes = 2048;
// APNs refuses an apns-collapse-id longer than 64 bytes.
inline constexpr std::size_t kMaxIdBytes = 64;

// The body of POST .../messages:send for one push: the target (token or
// topic), notification {title, body}, data (strings, with the link as
// data.link), and the message's stable id as Android collapse_key and
// notification tag and as apns-collapse-id, so that a resend replaces the
// first on the phone. An error says why the message can never be sent
// (no target or two, no id, payload too large); the caller treats it as
// failed without asking FCM.
std::expected<std::string, std::string> build_send_request(const core::PushMessage& message);

// The payload FCM counts toward its limit, as Setia measures it: the compact
// JSON of the message's "notification" and "data" objects, in bytes. The
// fake FCM in tests/fake_fcm measures the same way.
std::size_t payload_bytes(const core::PushMessage& message);

}  // namespace setia::adapters::fcm
