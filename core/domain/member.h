#pragma once

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>

#include "core/domain/money.h"

namespace setia::domain {

struct Member {
  long long id = 0;
  std::string store_id;
  std::string code;  // what the member's QR shows, e.g. MAR-7Q2M9XW4
  std::string name;
  std::string phone;
  std::optional<std::string> email;
  std::optional<std::string> birth_date;  // YYYY-MM-DD
  Points points = 0;
  std::string created_at;
};

// A phone as Setia compares it: its digits and '+' only, so that
// "+62 812-3456-7890" and "+6281234567890" are one phone. Login, recovery,
// the per-login throttle and the store's uniqueness of phones
// (migrations/0021_accounts.sql: regexp_replace(phone,
// '[^0-9+]', '', 'g')) all use this one form; members are stored in it.
inline std::string normalized_phone(std::string_view typed) {
  std::string out;
  for (char c : typed) {
    if ((c >= '0' && c <= '9') || c == '+') out.push_back(c);
  }
  return out;
}

// What is wrong with a phone as a person typed it, or nullopt: 6 to 20
// characters of digits, '+', spaces and dashes, with at least 6 digits.
inline std::optional<std::string> phone_problem(std::string_view typed) {
  const bool ok = typed.size() >= 6 && typed.size() <= 20 && std::all_of(typed.begin(), typed.end(), [](char c) {
                    return (c >= '0' && c <= '9') || c == '+' || c == ' ' || c == '-';
                  });
  const auto digits = std::count_if(typed.begin(), typed.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!ok || digits < 6) return "phone must be 6 to 20 digits (+, spaces and dashes allowed), e.g. +6281234567890";
  return std::nullopt;
}

}  // namespace setia::domain
