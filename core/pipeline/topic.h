#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/domain/store_id.h"

namespace setia::core {

enum class PosTopicKind { sale, refund, lookup };

struct PosTopic {
  std::string store;
  PosTopicKind kind;
};

using domain::is_valid_store_id;

// Parses "{prefix}/{store}/pos/{kind}"; nullopt when the topic is not one of
// ours or the store id is not valid.
std::optional<PosTopic> parse_pos_topic(std::string_view prefix, std::string_view topic);

std::string result_topic(std::string_view prefix, std::string_view store);
std::string dead_letter_topic(std::string_view prefix, std::string_view store);

// Whether an answer to a message of `store` may go to `topic` (an MQTT v5
// response topic or a lookup's reply_to): only under "{prefix}/{store}/",
// so that no store's POS can make setiad publish into another store's
// stream (setiad's broker role may write every store's topics), and not on
// a topic setiad itself reads, where the answer would come back as a
// message.
bool is_answer_topic_of(std::string_view prefix, std::string_view store, std::string_view topic);

}  // namespace setia::core
