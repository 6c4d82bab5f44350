#include "rules/store_time.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <string>

#include <date/tz.h>

namespace setia::rules {
namespace {

using std::chrono::seconds;

date::local_seconds local_of(LocalDate day, int minute) {
  return date::local_days{day.ymd()} + std::chrono::minutes{minute};
}

}  // namespace

const date::time_zone* find_zone(std::string_view iana_name) {
  // The tz database is a directory of files: keep names to the characters
  // its names use, so a rule file can never steer it at another path.
  if (iana_name.empty() || iana_name.size() > 64 || iana_name.front() == '/' ||
      iana_name.find("..") != std::string_view::npos) {
    return nullptr;
  }
  for (char c : iana_name) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' || c == '_' ||
              c == '-' || c == '+';
    if (!ok) return nullptr;
  }
  try {
    const date::time_zone* zone = date::locate_zone(std::string(iana_name));
    (void)zone->get_info(date::sys_seconds{seconds{0}});  // loads the zone's data now
    return zone;
  } catch (const std::exception&) {
    return nullptr;  // not in the database, or the database is unreadable
  }
}

LocalDateTime to_local(const date::time_zone* zone, std::int64_t unix_seconds) {
  date::sys_seconds at{seconds{clamp_to_calendar(unix_seconds)}};
  date::local_seconds local = zone ? zone->to_local(at) : date::local_seconds{at.time_since_epoch()};
  auto day = date::floor<date::days>(local);
  date::year_month_day ymd{day};
  LocalDateTime out;
  out.date = domain::local_date(ymd);
  out.weekday = weekday_of(out.date);
  auto since_midnight = (local - day).count();  // seconds
  out.minute = static_cast<int>(since_midnight / 60);
  out.second = static_cast<int>(since_midnight % 60);
  return out;
}

std::int64_t to_unix(const date::time_zone* zone, LocalDate day, int minute) {
  date::local_seconds local = local_of(day, minute);
  if (!zone) return local.time_since_epoch().count();
  auto info = zone->get_info(local);
  switch (info.result) {
    case date::local_info::unique:
    case date::local_info::ambiguous: return (local - info.first.offset).time_since_epoch().count();
    case date::local_info::nonexistent:
      // The wall clock jumped over this time: the jump itself is when it "comes".
      return info.second.begin.time_since_epoch().count();
  }
  return (local - info.first.offset).time_since_epoch().count();
}

}  // namespace setia::rules
