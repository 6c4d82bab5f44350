#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/ports/page.h"

namespace setia::adapters::rest {

struct Call;

inline constexpr int kDefaultPageLimit = 20;
inline constexpr int kMaxPageLimit = 100;

// ?limit=&cursor= of a list: limit 1.. (above kMaxPageLimit it is capped,
// not refused), cursor as a previous page's next_cursor. 400 otherwise.
core::PageRequest page_request(const Call& call);

// The cursor as an opaque string (base64url of "a.b"), and back.
std::string encode_cursor(const core::Cursor& c);
std::optional<core::Cursor> decode_cursor(const std::string& s);

// {"items": [...], "next_cursor": "..." | null}
template <class T, class F>
nlohmann::json page_json(const core::Page<T>& page, F&& item) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& t : page.items) items.push_back(item(t));
  return {{"items", std::move(items)},
          {"next_cursor", page.next ? nlohmann::json(encode_cursor(*page.next)) : nlohmann::json(nullptr)}};
}

}  // namespace setia::adapters::rest
