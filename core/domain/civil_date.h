#pragma once

// Calendar dates and weekdays: the one home of date arithmetic, on Howard
// Hinnant's date library. Header-only, so that core, rules and the
// decoders' fuzz build share it without a library of their own.

#include <array>
#include <chrono>
#include <compare>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include <date/date.h>

namespace setia::domain {

enum class Weekday : std::uint8_t { mon, tue, wed, thu, fri, sat, sun };

inline constexpr std::array<std::string_view, 7> kWeekdayNames = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

// "mon".."sun" (the only spelling rule files accept).
inline std::optional<Weekday> parse_weekday(std::string_view s) {
  for (std::size_t i = 0; i < kWeekdayNames.size(); ++i) {
    if (kWeekdayNames[i] == s) return static_cast<Weekday>(i);
  }
  return std::nullopt;
}

inline std::string_view weekday_name(Weekday d) { return kWeekdayNames[static_cast<std::size_t>(d)]; }

// A date of the proleptic Gregorian calendar, store-local (no time zone).
struct LocalDate {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
  auto operator<=>(const LocalDate&) const = default;

  date::year_month_day ymd() const {
    return date::year{year} / date::month{static_cast<unsigned>(month)} / date::day{static_cast<unsigned>(day)};
  }
  // YYYY-MM-DD
  std::string to_string() const {
    char buf[48];  // room for any int, so the compiler sees no truncation
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
    return buf;
  }
};

// "YYYY-MM-DD": a real date (2021-02-29 is refused) of years 0001-9999.
inline std::optional<date::year_month_day> parse_civil_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto number = [&](std::size_t at, std::size_t len) -> std::optional<int> {
    int v = 0;
    for (std::size_t i = at; i < at + len; ++i) {
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
      v = v * 10 + (text[i] - '0');
    }
    return v;
  };
  auto y = number(0, 4), m = number(5, 2), d = number(8, 2);
  if (!y || !m || !d || *y < 1) return std::nullopt;
  date::year_month_day ymd{date::year{*y}, date::month{static_cast<unsigned>(*m)},
                           date::day{static_cast<unsigned>(*d)}};
  if (!ymd.ok()) return std::nullopt;
  return ymd;
}

inline LocalDate local_date(date::year_month_day ymd) {
  return {static_cast<int>(ymd.year()), static_cast<int>(static_cast<unsigned>(ymd.month())),
          static_cast<int>(static_cast<unsigned>(ymd.day()))};
}

// A strict YYYY-MM-DD that names a real day, years 1900..9999 (rule files'
// and reports' dates).
inline std::optional<LocalDate> parse_date(std::string_view s) {
  auto ymd = parse_civil_date(s);
  if (!ymd || ymd->year() < date::year{1900}) return std::nullopt;
  return local_date(*ymd);
}

inline Weekday weekday_of(LocalDate d) {
  // date::weekday counts Sunday as 0; ours starts the week on Monday.
  unsigned iso = date::weekday{date::sys_days{d.ymd()}}.iso_encoding();  // 1 = Monday .. 7 = Sunday
  return static_cast<Weekday>(iso - 1);
}

inline LocalDate add_days(LocalDate d, int days) {
  return local_date(date::year_month_day{date::sys_days{d.ymd()} + date::days{days}});
}

// Days from 1970-01-01 to the date y-m-d (negative before it).
constexpr std::int64_t days_since_epoch(int y, unsigned m, unsigned d) {
  return date::sys_days{date::year{y} / date::month{m} / date::day{d}}.time_since_epoch().count();
}

// The latest calendar date anywhere on Earth now (UTC+14): a member born
// today in Jakarta is born "today" before it is today in UTC.
inline date::sys_days latest_today() {
  return date::floor<date::days>(std::chrono::system_clock::now() + std::chrono::hours(14));
}

// Why `text` cannot be a member's birth date, or nullopt: it must be a real
// date from 1900-01-01 to `today`, so members of every age can join and
// nobody is born in the future.
inline std::optional<std::string> birth_date_problem(std::string_view text, date::sys_days today = latest_today()) {
  auto ymd = parse_civil_date(text);
  if (!ymd) return "birth_date must be a real date as YYYY-MM-DD, e.g. 1965-04-02";
  if (*ymd < date::year{1900} / 1 / 1) return "birth_date must be 1900-01-01 or later";
  if (date::sys_days{*ymd} > today) return "birth_date must not be in the future";
  return std::nullopt;
}

}  // namespace setia::domain
