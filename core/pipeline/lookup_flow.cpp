#include <thread>

#include <nlohmann/json.hpp>

#include "core/pipeline/pipeline.h"
#include "core/pipeline/refund_decoder.h"
#include "core/pipeline/topic.h"

namespace setia::core {

// A lookup changes nothing: no claim, no result row. It is answered on the
// request's MQTT v5 response topic (with its correlation data) or on the
// `reply_to` of a v3.1.1 POS; a bad lookup is also a dead letter.
Disposition Pipeline::handle_lookup(const InboundMessage& msg, const std::string& store) {
  auto q = decode_lookup(store, msg.payload);
  std::optional<ReplyTo> reply = msg.reply_to;
  if (!reply && q && q->reply_to) reply = ReplyTo{*q->reply_to, ""};
  if (!reply && !q) {
    // A lookup that fails validation still deserves an answer where it asked.
    auto j = nlohmann::json::parse(msg.payload, nullptr, false);
    if (j.is_object() && j.contains("reply_to") && j["reply_to"].is_string()) {
      auto to = j["reply_to"].get<std::string>();
      if (!to.empty() && to.size() <= 256 && to.find_first_of("#+") == std::string::npos) reply = ReplyTo{to, ""};
    }
  }
  if (!reply) {
    // Without an answer address the best we can do is say why, once.
    auto why = q ? domain::Rejection{domain::Reason::invalid_field,
                                     "a lookup needs an MQTT v5 response topic or a 'reply_to' topic", std::nullopt}
                 : q.error();
    return reject(msg, store, why);
  }
  if (!is_answer_topic_of(options_.topic_prefix, store, reply->topic))
    return refuse_reply_topic(msg, store, reply->topic);
  if (!q) {
    nlohmann::json answer = {
        {"schema", "setia.pos.lookup-reply/1"},
        {"ok", false},
        {"error", {{"reason", domain::reason_code(q.error().reason)}, {"detail", q.error().detail}}}};
    sink_.publish_result(store, answer.dump(), reply);
    return reject(msg, store, q.error());
  }
  std::string answer;
  auto delay = options_.retry_initial;
  for (;;) {
    auto r = store_.lookup(*q);
    if (r) {
      answer = std::move(*r);
      break;
    }
    // A lookup is a question, not an event: after a few tries answer that
    // we cannot tell rather than keep the till waiting.
    if (r.error().kind == StoreError::Kind::permanent || delay > options_.retry_max || stopping_.load()) {
      answer = nlohmann::json{{"schema", "setia.pos.lookup-reply/1"},
                              {"ok", false},
                              {"error", {{"reason", "unavailable"}, {"detail", "the loyalty database is unreachable"}}}}
                   .dump();
      log_->warn("store={} lookup unanswered: {}", store, r.error().message);
      break;
    }
    std::this_thread::sleep_for(delay);
    delay = delay * 2 + std::chrono::milliseconds(1);
  }
  sink_.publish_result(store, answer, reply);
  return Disposition::done;
}

}  // namespace setia::core
