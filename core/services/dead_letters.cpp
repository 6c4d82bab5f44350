#include "core/services/dead_letters.h"

#include <nlohmann/json.hpp>

namespace setia::core {

void ReplaySink::publish_result(std::string_view store, std::string_view result_json,
                                const std::optional<ReplyTo>& reply_to) {
  result = result_json;
  inner_.publish_result(store, result_json, reply_to);
}

void ReplaySink::publish_dead_letter(std::string_view store, std::string_view message_json) {
  dead_lettered = true;
  inner_.publish_dead_letter(store, message_json);
}

void ReplaySink::reset() {
  result.clear();
  dead_lettered = false;
}

Replayer::Outcome Replayer::replay(const std::string& topic, const std::string& payload) {
  std::lock_guard lock(mu_);
  sink_.reset();
  InboundMessage msg{.topic = topic, .payload = payload, .redelivery = false, .reply_to = std::nullopt};
  Outcome out;
  out.committed = pipeline_.handle(msg) == Disposition::done;
  out.result_json = sink_.result;
  out.dead_lettered = sink_.dead_lettered;
  return out;
}

std::expected<DeadLetters::Replayed, ServiceError> DeadLetters::replay(long long id,
                                                                       const std::optional<std::string>& store_id) {
  using Kind = ServiceError::Kind;
  if (!replayer_) return std::unexpected(ServiceError{Kind::unavailable, "replay is not wired in this process"});
  auto row = letters_.dead_letter(id, store_id);
  if (!row) return std::unexpected(ServiceError{Kind::unavailable, row.error().message});
  if (!*row) return std::unexpected(ServiceError{Kind::not_found, "no such dead letter", "no_such_dead_letter"});
  Replayed r{.letter = **row, .outcome = {}};
  if (r.letter.store_id && r.letter.event_id) {
    if (auto done = letters_.release_rejected_claim(*r.letter.store_id, *r.letter.event_id); !done) {
      return std::unexpected(ServiceError{Kind::unavailable, done.error().message});
    }
  }
  r.outcome = replayer_->replay(r.letter.topic, r.letter.payload);
  if (!r.outcome.committed) {
    return std::unexpected(
        ServiceError{Kind::unavailable, "the database is unreachable; the replay was not committed"});
  }
  nlohmann::json record = {{"result", nlohmann::json::parse(r.outcome.result_json, nullptr, false)},
                           {"dead_lettered", r.outcome.dead_lettered}};
  if (record["result"].is_discarded()) record["result"] = nullptr;
  // Recording the replay is a courtesy to the next admin: the replay itself
  // is committed, so a failure here is not the caller's.
  (void)letters_.mark_replayed(id, record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  return r;
}

}  // namespace setia::core
