#include "core/pipeline/topic.h"

namespace setia::core {

std::optional<PosTopic> parse_pos_topic(std::string_view prefix, std::string_view topic) {
  if (topic.size() <= prefix.size() + 1 || topic.substr(0, prefix.size()) != prefix || topic[prefix.size()] != '/') {
    return std::nullopt;
  }
  auto rest = topic.substr(prefix.size() + 1);
  auto slash = rest.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto store = rest.substr(0, slash);
  auto tail = rest.substr(slash + 1);
  if (!is_valid_store_id(store)) return std::nullopt;
  PosTopicKind kind;
  if (tail == "pos/sale") {
    kind = PosTopicKind::sale;
  } else if (tail == "pos/refund") {
    kind = PosTopicKind::refund;
  } else if (tail == "pos/lookup") {
    kind = PosTopicKind::lookup;
  } else {
    return std::nullopt;
  }
  return PosTopic{std::string(store), kind};
}

std::string result_topic(std::string_view prefix, std::string_view store) {
  return std::string(prefix) + "/" + std::string(store) + "/pos/result";
}

std::string dead_letter_topic(std::string_view prefix, std::string_view store) {
  return std::string(prefix) + "/" + std::string(store) + "/deadletter";
}

bool is_answer_topic_of(std::string_view prefix, std::string_view store, std::string_view topic) {
  std::string own = std::string(prefix) + "/" + std::string(store) + "/";
  if (topic.size() <= own.size() || !topic.starts_with(own)) return false;
  if (topic.find_first_of("#+") != std::string_view::npos) return false;
  return !parse_pos_topic(prefix, topic);
}

}  // namespace setia::core
