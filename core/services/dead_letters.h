#pragma once

#include <expected>
#include <mutex>
#include <optional>
#include <string>

#include "core/pipeline/pipeline.h"
#include "core/ports/dead_letter_store.h"
#include "core/ports/result_sink.h"
#include "core/services/service_error.h"

namespace setia::core {

// Forwards to the real sink (the MQTT transport) and keeps what one replay
// published, so that the admin who asked sees the result too.
class ReplaySink final : public ResultSink {
 public:
  explicit ReplaySink(ResultSink& inner) : inner_(inner) {}

  // core::ResultSink
  void publish_result(std::string_view store, std::string_view result_json,
                      const std::optional<ReplyTo>& reply_to) override;
  void publish_dead_letter(std::string_view store, std::string_view message_json) override;

  void reset();
  std::string result;
  bool dead_lettered = false;

 private:
  ResultSink& inner_;
};

// Runs stored payloads through a Pipeline of its own (its own store
// session; the MQTT one is paho's alone), one replay at a time: the same
// decoding, rules and transaction as a message from the broker, and the
// result published the same way.
class Replayer {
 public:
  Replayer(Pipeline& pipeline, ReplaySink& sink) : pipeline_(pipeline), sink_(sink) {}

  struct Outcome {
    bool committed = false;   // false: stopping while the database was down
    std::string result_json;  // setia.pos.result/1; empty without a readable event id
    bool dead_lettered = false;  // rejected again: a new dead letter
  };
  Outcome replay(const std::string& topic, const std::string& payload);

 private:
  std::mutex mu_;
  Pipeline& pipeline_;
  ReplaySink& sink_;
};

// Dead letters as admins handle them. One per thread; the Replayer is shared.
class DeadLetters {
 public:
  DeadLetters(DeadLetterStore& letters, Replayer* replayer) : letters_(letters), replayer_(replayer) {}

  struct Replayed {
    DeadLetterRow letter;
    Replayer::Outcome outcome;
  };
  // Replays dead letter `id` (in `store_id` when given): a rejected claim of
  // its event is released first so that the event is decided again (an
  // applied one never is: a replay cannot count a sale twice).
  std::expected<Replayed, ServiceError> replay(long long id, const std::optional<std::string>& store_id);

 private:
  DeadLetterStore& letters_;
  Replayer* replayer_;
};

}  // namespace setia::core
