#pragma once

// Helpers shared by the rules_*_test.cpp files.

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/domain/sale.h"
#include "rules/loader.h"
#include "tests/support/sales.h"

namespace setia::rules::test {

inline constexpr const char* kHead = "version: 1\nstore: marikh-salatiga\ntimezone: Asia/Jakarta\n";

// A rule set that must load.
inline RuleSet load(const std::string& yaml) {
  auto rs = load_rule_text(yaml, "test.yaml");
  EXPECT_TRUE(rs.has_value()) << (rs ? "" : rs.error()[0].to_string());
  return rs ? std::move(*rs) : RuleSet{};
}

// Every error of a file that must not load, as "line:column: message".
inline std::vector<std::string> errors_of(const std::string& yaml) {
  auto rs = load_rule_text(yaml, "test.yaml");
  if (rs) return {};
  std::vector<std::string> out;
  for (const auto& e : rs.error()) {
    out.push_back(std::to_string(e.line) + ":" + std::to_string(e.column) + ": " + e.message);
  }
  return out;
}

inline std::string first_error(const std::string& yaml) {
  auto all = errors_of(yaml);
  return all.empty() ? "no error" : all[0];
}

// Days since 1970-01-01 of a civil date (H. Hinnant's days_from_civil),
// written out here so that tests do not check the code with itself.
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// Unix seconds of a wall time at a fixed UTC offset (in minutes).
constexpr std::int64_t at_offset(int y, unsigned mo, unsigned d, int h, int mi, int offset_minutes) {
  return days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 - offset_minutes * 60;
}

// Western Indonesian Time, UTC+7 (Asia/Jakarta since 1964).
constexpr std::int64_t wib(int y, unsigned mo, unsigned d, int h = 0, int mi = 0) {
  return at_offset(y, mo, d, h, mi, 7 * 60);
}

using setia::test::basket;
using setia::test::line;

}  // namespace setia::rules::test
