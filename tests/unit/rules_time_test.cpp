// Store-local time: calendar parsing, tz database conversions, expiry.
#include <gtest/gtest.h>

#include "rules/civil_time.h"
#include "rules/expiry.h"
#include "rules/store_time.h"
#include "rules_test_support.h"

namespace setia::rules {
namespace {

using test::at_offset;
using test::kHead;
using test::load;
using test::wib;

TEST(CivilTime, DatesMustExist) {
  EXPECT_EQ(parse_date("2024-02-29"), (LocalDate{2024, 2, 29}));
  EXPECT_EQ(parse_date("2021-02-29"), std::nullopt);
  EXPECT_EQ(parse_date("2021-13-01"), std::nullopt);
  EXPECT_EQ(parse_date("2021-1-01"), std::nullopt);
  EXPECT_EQ(parse_date("1899-12-31"), std::nullopt);
  EXPECT_EQ(parse_date("2021-01-01T00:00"), std::nullopt);
  EXPECT_EQ(LocalDate({2027, 8, 31}).to_string(), "2027-08-31");
}

TEST(CivilTime, ClockTimesAndTheEndOfTheDay) {
  EXPECT_EQ(parse_clock("00:00"), 0);
  EXPECT_EQ(parse_clock("23:59"), 23 * 60 + 59);
  EXPECT_EQ(parse_clock("25:00"), std::nullopt);
  EXPECT_EQ(parse_clock("12:60"), std::nullopt);
  EXPECT_EQ(parse_clock("9:00"), std::nullopt);
  EXPECT_EQ(parse_clock("24:00"), std::nullopt);
  EXPECT_EQ(parse_clock("24:00", true), 24 * 60);
  EXPECT_EQ(parse_clock("24:01", true), std::nullopt);
  EXPECT_EQ(format_clock(14 * 60 + 5), "14:05");
}

TEST(CivilTime, WeekdaysAndDayArithmetic) {
  EXPECT_EQ(weekday_of({2020, 5, 27}), Weekday::wed);  // the paper's receipt
  EXPECT_EQ(weekday_of({2020, 5, 31}), Weekday::sun);
  EXPECT_EQ(parse_weekday("sat"), Weekday::sat);
  EXPECT_EQ(parse_weekday("Sat"), std::nullopt);
  EXPECT_EQ(add_days({2020, 2, 28}, 1), (LocalDate{2020, 2, 29}));
  EXPECT_EQ(add_days({2020, 12, 31}, 1), (LocalDate{2021, 1, 1}));
  EXPECT_EQ(add_days({2020, 2, 29}, 365), (LocalDate{2021, 2, 28}));
}

TEST(StoreTime, ZonesComeFromTheTzDatabase) {
  EXPECT_NE(find_zone("Asia/Jakarta"), nullptr);
  EXPECT_NE(find_zone("Asia/Makassar"), nullptr);
  EXPECT_NE(find_zone("Asia/Jayapura"), nullptr);
  EXPECT_NE(find_zone("UTC"), nullptr);
  EXPECT_EQ(find_zone("Asia/Jakata"), nullptr);
  EXPECT_EQ(find_zone("+07:00"), nullptr);
  EXPECT_EQ(find_zone("../../etc/passwd"), nullptr);
  EXPECT_EQ(find_zone("/etc/localtime"), nullptr);
  EXPECT_EQ(find_zone(""), nullptr);
}

TEST(StoreTime, UnixToStoreLocal) {
  auto jkt = find_zone("Asia/Jakarta");
  auto t = to_local(jkt, wib(2020, 5, 27, 11, 11) + 42);
  EXPECT_EQ(t.date, (LocalDate{2020, 5, 27}));
  EXPECT_EQ(t.weekday, Weekday::wed);
  EXPECT_EQ(t.minute, 11 * 60 + 11);
  EXPECT_EQ(t.second, 42);
  // Jayapura is UTC+9: 16:00Z is already tomorrow there.
  auto jap = to_local(find_zone("Asia/Jayapura"), at_offset(2020, 5, 27, 16, 0, 0));
  EXPECT_EQ(jap.date, (LocalDate{2020, 5, 28}));
  EXPECT_EQ(jap.minute, 1 * 60);
  // No zone: UTC. Absurd instants are clamped, not overflowed.
  EXPECT_EQ(to_local(nullptr, 0).date, (LocalDate{1970, 1, 1}));
  EXPECT_EQ(to_local(jkt, std::numeric_limits<std::int64_t>::max()).date.year, 10000);
  EXPECT_EQ(to_local(jkt, std::numeric_limits<std::int64_t>::min()).date.year, 1900);
}

TEST(StoreTime, LocalToUnixAcrossDaylightSaving) {
  auto jkt = find_zone("Asia/Jakarta");
  EXPECT_EQ(to_unix(jkt, {2020, 6, 1}, 0), wib(2020, 6, 1));
  auto berlin = find_zone("Europe/Berlin");
  // 02:30 on 2026-03-29 does not exist in Berlin (02:00 -> 03:00): the jump, 01:00Z.
  EXPECT_EQ(to_unix(berlin, {2026, 3, 29}, 2 * 60 + 30), at_offset(2026, 3, 29, 1, 0, 0));
  // 02:30 on 2026-10-25 happens twice: the first, still CEST (+2).
  EXPECT_EQ(to_unix(berlin, {2026, 10, 25}, 2 * 60 + 30), at_offset(2026, 10, 25, 2, 30, 120));
}

RuleSet with_expiry(const std::string& expiry, const char* zone = "Asia/Jakarta") {
  return load("version: 1\nstore: x\ntimezone: " + std::string(zone) + "\npoints:\n  expiry: " + expiry + "\n");
}

TEST(Expiry, AfterDaysIsTheSameStoreClockTimeNDaysLater) {
  auto rs = with_expiry("{after_days: 365}");
  EXPECT_EQ(expiry_instant(rs, wib(2020, 5, 27, 11, 11) + 7), wib(2021, 5, 27, 11, 11) + 7);
  EXPECT_EQ(expiry_instant(rs, wib(2020, 2, 29, 23, 0)), wib(2021, 2, 28, 23, 0));  // 2020 has 366 days
  // Across a daylight-saving change the wall clock is kept, not 24 h steps.
  auto berlin = with_expiry("{after_days: 1}", "Europe/Berlin");
  EXPECT_EQ(expiry_instant(berlin, at_offset(2026, 3, 28, 12, 0, 60)), at_offset(2026, 3, 29, 12, 0, 120));
}

TEST(Expiry, EndOfMonthIsTheFirstInstantOfTheNextStoreLocalMonth) {
  auto rs = with_expiry("{at: end_of_month}");
  EXPECT_EQ(expiry_instant(rs, wib(2020, 5, 27, 11, 11)), wib(2020, 6, 1));
  EXPECT_EQ(expiry_instant(rs, wib(2020, 5, 31, 23, 59)), wib(2020, 6, 1));  // 16:59Z on the 31st
  EXPECT_EQ(expiry_instant(rs, wib(2020, 6, 1, 0, 0)), wib(2020, 7, 1));     // 17:00Z on the 31st
  EXPECT_EQ(expiry_instant(rs, wib(2020, 12, 15)), wib(2021, 1, 1));
  EXPECT_EQ(*expiry_instant(rs, wib(2020, 5, 27)), at_offset(2020, 5, 31, 17, 0, 0));
  // Asia/Jayapura (UTC+9) ends its month two hours before Jakarta does.
  auto papua = with_expiry("{at: end_of_month}", "Asia/Jayapura");
  EXPECT_EQ(expiry_instant(papua, wib(2020, 5, 27)), at_offset(2020, 6, 1, 0, 0, 9 * 60));
}

TEST(Expiry, EndOfYear) {
  auto rs = with_expiry("{at: end_of_year}");
  EXPECT_EQ(expiry_instant(rs, wib(2020, 5, 27, 11, 11)), wib(2021, 1, 1));
  EXPECT_EQ(expiry_instant(rs, wib(2020, 12, 31, 23, 59)), wib(2021, 1, 1));
  EXPECT_EQ(expiry_instant(rs, wib(2021, 1, 1, 0, 0)), wib(2022, 1, 1));
}

TEST(Expiry, NoExpiryMeansNever) { EXPECT_EQ(expiry_instant(load(kHead), wib(2020, 5, 27)), std::nullopt); }

}  // namespace
}  // namespace setia::rules
