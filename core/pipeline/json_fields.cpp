#include "core/pipeline/json_fields.h"

#include "core/pipeline/sale_decoder.h"

namespace setia::core {

using domain::Reason;
using domain::Rejection;
using nlohmann::json;

namespace {

std::optional<std::string> readable_event_id(const json& j) {
  auto it = j.find("event_id");
  if (it == j.end() || !it->is_string()) return std::nullopt;
  const auto& s = it->get_ref<const std::string&>();
  if (s.empty() || s.size() > kMaxIdLength) return std::nullopt;
  return s;
}

}  // namespace

std::expected<ParsedObject, Rejection> parse_pos_object(std::string_view payload) {
  if (payload.size() > kMaxPayloadBytes) {
    return std::unexpected(Rejection{
        Reason::too_large,
        "payload is " + std::to_string(payload.size()) + " bytes; the limit is " + std::to_string(kMaxPayloadBytes),
        std::nullopt});
  }
  // Bounded nesting: a POS message is three levels deep; refuse pathological
  // input before it can exhaust the stack of the recursive parser.
  int depth = 0;
  bool in_string = false, escaped = false;
  for (char c : payload) {
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > 16)
        return std::unexpected(Rejection{Reason::not_json, "JSON nested deeper than 16 levels", std::nullopt});
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  json j = json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded())
    return std::unexpected(Rejection{Reason::not_json, "payload is not valid JSON (UTF-8)", std::nullopt});
  if (!j.is_object())
    return std::unexpected(Rejection{Reason::not_an_object, "payload must be a JSON object", std::nullopt});
  auto event_id = readable_event_id(j);
  // PostgreSQL's text and jsonb cannot hold U+0000; refuse it here, with a
  // reason, rather than fail at the database.
  if (payload.find("\\u0000") != std::string_view::npos) {
    return std::unexpected(Rejection{Reason::invalid_field, "strings must not contain \\u0000", event_id});
  }
  return ParsedObject{std::move(j), std::move(event_id)};
}

std::optional<std::string> readable_event_id_of(std::string_view payload) {
  auto parsed = parse_pos_object(payload);
  return parsed ? parsed->event_id : std::nullopt;
}

}  // namespace setia::core
