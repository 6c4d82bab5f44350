#pragma once

// Helpers for the scheduled jobs' tests (unit and integration): instants of
// wall times, and rule books built from rule file texts.

#include <gtest/gtest.h>

#include <chrono>
#include <concepts>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "rules/loader.h"
#include "rules/rule_set.h"

namespace setia::test {

// The instant of a wall time at a fixed UTC offset in hours (+7 WIB, +9
// WIT), computed here (H. Hinnant's days_from_civil) so that the tests do
// not check the code with itself.
inline std::chrono::system_clock::time_point at(int y, unsigned mo, unsigned d, int h, int mi, int offset_hours) {
  std::int64_t yy = y - (mo <= 2);
  const std::int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
  const auto yoe = static_cast<unsigned>(yy - era * 400);
  const unsigned doy = (153 * (mo > 2 ? mo - 3 : mo + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const std::int64_t days = era * 146097 + static_cast<std::int64_t>(doe) - 719468;
  return std::chrono::system_clock::time_point(
      std::chrono::seconds(days * 86400 + h * 3600 + mi * 60 - offset_hours * 3600));
}

inline std::int64_t unix_at(int y, unsigned mo, unsigned d, int h, int mi, int offset_hours) {
  return std::chrono::duration_cast<std::chrono::seconds>(at(y, mo, d, h, mi, offset_hours).time_since_epoch()).count();
}

// A book of rule files that must load; store "*" becomes the default.
inline std::shared_ptr<const rules::RuleBook> book_of(const std::vector<std::string>& files) {
  auto book = std::make_shared<rules::RuleBook>();
  for (const auto& f : files) {
    auto rs = rules::load_rule_text(f, "test.yaml");
    EXPECT_TRUE(rs.has_value()) << (rs ? "" : rs.error()[0].to_string());
    if (!rs) continue;
    auto set = std::make_shared<const rules::RuleSet>(std::move(*rs));
    if (set->store == "*")
      book->fallback = set;
    else
      book->by_store[set->store] = set;
  }
  book->version = "test";
  return book;
}

// One file. A template, so that book_of({"..."}) (which deduces nothing)
// stays the list above.
template <typename Text>
  requires std::convertible_to<const Text&, std::string>
std::shared_ptr<const rules::RuleBook> book_of(const Text& file) {
  return book_of(std::vector<std::string>{std::string(file)});
}

}  // namespace setia::test
