#include "rules/store_time.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <string>

#include <date/tz.h>

namespace setia::rules {
namespace {

using std::chrono::seconds;

constexpr std::int64_t kMinUnix = -2208988800;   // 1900-01-01T00:00:00Z
constexpr std::int64_t kMaxUnix = 253402300799;  // 9999-12-31T23:59:59Z

date::local_seconds local_of(LocalDate day, int minute) {
  auto d =
      date::year{day.year} / date::month{static_cast<unsigned>(day.month)} / date::day{static_cast<unsigned>(day.day)};
  return date::local_days{d} + std::chrono::minutes{minute};
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
  date::sys_seconds at{seconds{std::clamp(unix_seconds, kMinUnix, kMaxUnix)}};
  date::local_seconds local = zone ? zone->to_local(at) : date::local_seconds{at.time_since_epoch()};
  auto day = date::floor<date::days>(local);
  date::year_month_day ymd{day};
  LocalDateTime out;
  out.date = {static_cast<int>(ymd.year()), static_cast<int>(static_cast<unsigned>(ymd.month())),
              static_cast<int>(static_cast<unsigned>(ymd.day()))};
  out.weekday = static_cast<Weekday>(date::weekday{day}.iso_encoding() - 1);
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
