#pragma once

#include <string_view>

namespace setia::domain {

// A store id of the contract: [a-z0-9][a-z0-9-]{0,62}.
constexpr bool is_valid_store_id(std::string_view s) {
  if (s.empty() || s.size() > 63) return false;
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!alnum(s.front())) return false;
  for (char c : s) {
    if (!alnum(c) && c != '-') return false;
  }
  return true;
}

}  // namespace setia::domain
