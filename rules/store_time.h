#pragma once

#include <cstdint>
#include <string_view>

#include "rules/civil_time.h"

namespace date {
class time_zone;
}

namespace setia::rules {

// A store's zone from the tz database (Howard Hinnant's date library over
// the OS tzdb, standing in for C++20 std::chrono zones that libstdc++ 12
// lacks), or nullptr when the name is not in it. The zone's data is read
// here, once, so that converting instants later does no I/O.
const date::time_zone* find_zone(std::string_view iana_name);

// An instant as the store's wall clock shows it.
struct LocalDateTime {
  LocalDate date;
  Weekday weekday = Weekday::thu;  // 1970-01-01
  int minute = 0;                  // after local midnight, 0..1439
  int second = 0;                  // within the minute, 0..59
};

// Unix seconds clamped to the years 1900..9999, so that no input can
// overflow a calendar.
constexpr std::int64_t clamp_to_calendar(std::int64_t unix_seconds) {
  constexpr std::int64_t kMin = -2208988800;   // 1900-01-01T00:00:00Z
  constexpr std::int64_t kMax = 253402300799;  // 9999-12-31T23:59:59Z
  return unix_seconds < kMin ? kMin : unix_seconds > kMax ? kMax : unix_seconds;
}

// Unix seconds (clamp_to_calendar) to store-local time in `zone` (nullptr:
// UTC).
LocalDateTime to_local(const date::time_zone* zone, std::int64_t unix_seconds);

// The first instant (unix seconds) at which `zone`'s wall clock shows
// `minute` on `day`. A wall time skipped by a daylight-saving jump maps to
// the instant of the jump; a repeated one to its first occurrence.
std::int64_t to_unix(const date::time_zone* zone, LocalDate day, int minute);

}  // namespace setia::rules
