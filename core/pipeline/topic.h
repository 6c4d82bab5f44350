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

}  // namespace setia::core
