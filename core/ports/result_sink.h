#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace setia::core {

// Where an MQTT v5 request asked its answer to go.
struct ReplyTo {
  std::string topic;
  std::string correlation_data;
};

// Publishes after commit: results to the POS, rejected payloads to the
// dead-letter topic. Fire and forget: the POS republishes when a result does
// not arrive, so a lost publish costs a duplicate, never a sale.
class ResultSink {
 public:
  virtual ~ResultSink() = default;
  virtual void publish_result(std::string_view store, std::string_view result_json,
                              const std::optional<ReplyTo>& reply_to) = 0;
  virtual void publish_dead_letter(std::string_view store, std::string_view message_json) = 0;
};

}  // namespace setia::core
