#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/domain/civil_date.h"

namespace setia::rules {

// Calendar and wall-clock values as a rule file writes them: store-local,
// with no time zone attached. store_time.h turns them into instants.

// Dates and weekdays are the domain's (core/domain/civil_date.h); the rules
// name them as their own.
using domain::add_days;
using domain::LocalDate;
using domain::parse_date;
using domain::parse_weekday;
using domain::Weekday;
using domain::weekday_name;
using domain::weekday_of;

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
