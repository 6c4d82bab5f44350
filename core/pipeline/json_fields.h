#pragma once

// What the POS message decoders share: the size and nesting guards, parsing
// into a JSON object, the event id when it can be read, and typed field
// access whose first problem becomes the rejection.
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/domain/rejection.h"

namespace setia::core {

inline constexpr std::size_t kMaxIdLength = 64;
inline constexpr std::size_t kMaxTextLength = 200;
// The largest amount one field may hold: far above any real sale, far below
// where sums of 500 lines could overflow 64 bits.
inline constexpr std::int64_t kMaxAmount = 1'000'000'000'000'000;  // 10^15

struct ParsedObject {
  nlohmann::json body;
  std::optional<std::string> event_id;  // when readable: a string of 1-64 characters
};

// Size cap, nesting cap, UTF-8 JSON, an object, no U+0000: the checks every
// POS payload passes before its own fields are read.
std::expected<ParsedObject, domain::Rejection> parse_pos_object(std::string_view payload);

// The payload's event id when parse_pos_object can read one: for messages
// refused before their decoder runs, whose result still names the event.
std::optional<std::string> readable_event_id_of(std::string_view payload);

// Typed access to the fields of one JSON object; the first problem becomes
// the rejection, naming the field's path and what was expected.
class Fields {
  using Reason = domain::Reason;
  using Rejection = domain::Rejection;
  using json = nlohmann::json;

 public:
  Fields(const json& obj, std::string path, std::optional<std::string> event_id)
      : obj_(obj), path_(std::move(path)), event_id_(std::move(event_id)) {}

  std::optional<Rejection> error;

  const json* find(std::string_view key) {
    auto it = obj_.find(key);
    if (it == obj_.end() || it->is_null()) return nullptr;
    return &*it;
  }

  std::string where(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }

  void fail(Reason r, std::string detail) {
    if (!error) error = Rejection{r, std::move(detail), event_id_};
  }

  std::optional<std::string> text(std::string_view key, bool required, std::size_t max_len) {
    const json* v = find(key);
    if (!v) {
      if (required) fail(Reason::missing_field, "missing required field '" + where(key) + "'");
      return std::nullopt;
    }
    if (!v->is_string()) {
      fail(Reason::invalid_field, "field '" + where(key) + "' must be a string");
      return std::nullopt;
    }
    const auto& s = v->get_ref<const std::string&>();
    if (s.empty() || s.size() > max_len) {
      fail(Reason::invalid_field, "field '" + where(key) + "' must be 1 to " + std::to_string(max_len) + " characters");
      return std::nullopt;
    }
    return s;
  }

  std::optional<std::int64_t> integer(std::string_view key, bool required, std::int64_t min, std::int64_t max) {
    const json* v = find(key);
    if (!v) {
      if (required) fail(Reason::missing_field, "missing required field '" + where(key) + "'");
      return std::nullopt;
    }
    std::int64_t n = 0;
    if (v->is_number_unsigned()) {
      auto u = v->get<std::uint64_t>();
      if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        fail(Reason::invalid_field, "field '" + where(key) + "' is too large");
        return std::nullopt;
      }
      n = static_cast<std::int64_t>(u);
    } else if (v->is_number_integer()) {
      n = v->get<std::int64_t>();
    } else {
      fail(Reason::invalid_field, "field '" + where(key) + "' must be an integer" +
                                      (v->is_number_float() ? " (money is in whole rupiah, no fractions)" : ""));
      return std::nullopt;
    }
    if (n < min || n > max) {
      fail(Reason::invalid_field, "field '" + where(key) + "' must be between " + std::to_string(min) + " and " +
                                      std::to_string(max) + ", got " + std::to_string(n));
      return std::nullopt;
    }
    return n;
  }

 private:
  const json& obj_;
  std::string path_;
  std::optional<std::string> event_id_;
};

}  // namespace setia::core
