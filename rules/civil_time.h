#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace setia::rules {

// Calendar and wall-clock values as a rule file writes them: store-local,
// with no time zone attached. store_time.h turns them into instants.

enum class Weekday : std::uint8_t { mon, tue, wed, thu, fri, sat, sun };

// "mon".."sun" (the only spelling rule files accept).
std::optional<Weekday> parse_weekday(std::string_view s);
std::string_view weekday_name(Weekday d);

// A set of weekdays; empty means "no restriction" where a rule uses it.
class DaySet {
 public:
  void add(Weekday d) { bits_ = static_cast<std::uint8_t>(bits_ | bit(d)); }
  bool has(Weekday d) const { return (bits_ & bit(d)) != 0; }
  bool empty() const { return bits_ == 0; }
  friend bool operator==(DaySet, DaySet) = default;

 private:
  static std::uint8_t bit(Weekday d) { return static_cast<std::uint8_t>(1u << static_cast<unsigned>(d)); }
  std::uint8_t bits_ = 0;
};

// A date of the proleptic Gregorian calendar, YYYY-MM-DD.
struct LocalDate {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
  auto operator<=>(const LocalDate&) const = default;
  std::string to_string() const;
};

// A strict YYYY-MM-DD that names a real day (2021-02-29 is refused), years
// 1900..9999.
std::optional<LocalDate> parse_date(std::string_view s);
Weekday weekday_of(LocalDate d);
LocalDate add_days(LocalDate d, int days);

// Minutes after local midnight. "HH:MM" with two digits each, 00:00..23:59;
// "24:00" only where an end of day is meant (allow_end_of_day).
std::optional<int> parse_clock(std::string_view s, bool allow_end_of_day = false);
std::string format_clock(int minutes);

// A half-open stretch of one day, [start, end) in minutes after midnight:
// "14:00-17:00" holds 14:00 and 16:59, not 17:00. It never crosses midnight.
struct TimeWindow {
  int start = 0;
  int end = 24 * 60;
  bool contains(int minute) const { return minute >= start && minute < end; }
  friend bool operator==(const TimeWindow&, const TimeWindow&) = default;
};

}  // namespace setia::rules
