#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <date/date.h>

namespace setia::domain {

// "YYYY-MM-DD": a real date of the proleptic Gregorian calendar (years
// 0001-9999), read with Howard Hinnant's date library. nullopt otherwise.
std::optional<date::year_month_day> parse_civil_date(std::string_view text);

// Days from 1970-01-01 to the date y-m-d (negative before it), in the
// proleptic Gregorian calendar: the one home of this arithmetic.
constexpr std::int64_t days_since_epoch(int y, unsigned m, unsigned d) {
  return date::sys_days{date::year{y} / date::month{m} / date::day{d}}.time_since_epoch().count();
}

// The latest calendar date anywhere on Earth now (UTC+14): a member born
// today in Jakarta is born "today" before it is today in UTC.
date::sys_days latest_today();

// Why `text` cannot be a member's birth date, or nullopt: it must be a real
// date from 1900-01-01 to `today`, so members of every age can join and
// nobody is born in the future.
std::optional<std::string> birth_date_problem(std::string_view text, date::sys_days today = latest_today());

}  // namespace setia::domain
