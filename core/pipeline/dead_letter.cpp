#include "core/pipeline/dead_letter.h"

#include <ctime>

#include <nlohmann/json.hpp>

namespace setia::core {

std::string format_utc(std::chrono::system_clock::time_point t) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(ms % 1000));
  return out;
}

std::string dead_letter_json(std::string_view reason, std::string_view detail, std::string_view topic,
                             std::string_view payload, const std::optional<std::string>& event_id,
                             std::chrono::system_clock::time_point received_at) {
  nlohmann::json j = {
      {"schema", "setia.deadletter/1"},         {"reason", reason},  {"detail", detail}, {"topic", topic},
      {"received_at", format_utc(received_at)}, {"payload", payload}};
  if (event_id) j["event_id"] = *event_id;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace setia::core
