#pragma once

// A ResultSink that keeps what the pipeline published.

#include <string>
#include <vector>
#include "core/ports/result_sink.h"

namespace setia::core::fakes {

class FakeSink final : public ResultSink {
 public:
  std::vector<std::string> results, dead_letters, reply_topics;
  void publish_result(std::string_view store, std::string_view json, const std::optional<ReplyTo>& to) override {
    results.push_back(std::string(store) + " " + std::string(json));
    reply_topics.push_back(to ? to->topic + "|" + to->correlation_data : "");
  }
  void publish_dead_letter(std::string_view store, std::string_view json) override {
    dead_letters.push_back(std::string(store) + " " + std::string(json));
  }
};

}  // namespace setia::core::fakes
