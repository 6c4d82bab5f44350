// core/domain/civil_date.h: calendar dates and the bounds of a birth date.
#include <gtest/gtest.h>

#include "core/domain/civil_date.h"

namespace {

using namespace date::literals;
using setia::domain::birth_date_problem;
using setia::domain::parse_civil_date;

TEST(CivilDate, ReadsRealDatesOnlyIncludingBefore1970) {
  EXPECT_EQ(parse_civil_date("1965-04-02"), 1965_y / 4 / 2);
  EXPECT_EQ(parse_civil_date("2024-02-29"), 2024_y / 2 / 29);
  EXPECT_EQ(parse_civil_date("1900-01-01"), 1900_y / 1 / 1);
  for (const char* bad : {"2023-02-29", "1900-02-29", "2026-13-01", "2026-00-10", "2026-04-31", "2026-4-01", "20260401",
                          "2026-04-01T00:00", "abcd-ef-gh", "0000-01-01", ""}) {
    EXPECT_FALSE(parse_civil_date(bad)) << bad;
  }
}

TEST(CivilDate, ABirthDateIsFrom1900ToTodayAndSaysWhichBoundItBroke) {
  const date::sys_days today = 2026_y / 12 / 5;
  EXPECT_EQ(birth_date_problem("1965-04-02", today), std::nullopt);
  EXPECT_EQ(birth_date_problem("1900-01-01", today), std::nullopt);
  EXPECT_EQ(birth_date_problem("2026-12-05", today), std::nullopt) << "born today";
  EXPECT_EQ(birth_date_problem("1899-12-31", today), "birth_date must be 1900-01-01 or later");
  EXPECT_EQ(birth_date_problem("2026-12-06", today), "birth_date must not be in the future");
  EXPECT_NE(birth_date_problem("1965-02-30", today)->find("real date"), std::string::npos);
}

}  // namespace
