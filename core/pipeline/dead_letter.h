#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace setia::core {

// The setia.deadletter/1 message: the rejected payload (as text, invalid
// UTF-8 replaced) with its reason, topic and time of receipt.
std::string dead_letter_json(std::string_view reason, std::string_view detail, std::string_view topic,
                             std::string_view payload, const std::optional<std::string>& event_id,
                             std::chrono::system_clock::time_point received_at);

// RFC 3339 UTC with milliseconds, e.g. 2026-11-23T10:00:00.123Z.
std::string format_utc(std::chrono::system_clock::time_point t);

}  // namespace setia::core
