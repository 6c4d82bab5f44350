#include "rules/civil_time.h"

#include <cstdio>

#include <date/date.h>

namespace setia::rules {
namespace {

constexpr std::array<std::string_view, 7> kDayNames = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

// Reads exactly `n` ASCII digits at `s[pos]`.
std::optional<int> digits(std::string_view s, std::size_t pos, std::size_t n) {
  if (pos + n > s.size()) return std::nullopt;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

date::year_month_day ymd(LocalDate d) {
  return date::year{d.year} / date::month{static_cast<unsigned>(d.month)} / date::day{static_cast<unsigned>(d.day)};
}

}  // namespace

std::optional<Weekday> parse_weekday(std::string_view s) {
  for (std::size_t i = 0; i < kDayNames.size(); ++i) {
    if (kDayNames[i] == s) return static_cast<Weekday>(i);
  }
  return std::nullopt;
}

std::string_view weekday_name(Weekday d) { return kDayNames[static_cast<std::size_t>(d)]; }

std::string LocalDate::to_string() const {
  char buf[48];  // room for any int, so the compiler sees no truncation
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
  return buf;
}

std::optional<LocalDate> parse_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  auto y = digits(s, 0, 4), m = digits(s, 5, 2), d = digits(s, 8, 2);
  if (!y || !m || !d || *y < 1900) return std::nullopt;
  LocalDate out{*y, *m, *d};
  if (!ymd(out).ok()) return std::nullopt;
  return out;
}

Weekday weekday_of(LocalDate d) {
  // date::weekday counts Sunday as 0; ours starts the week on Monday.
  unsigned iso = date::weekday{date::sys_days{ymd(d)}}.iso_encoding();  // 1 = Monday .. 7 = Sunday
  return static_cast<Weekday>(iso - 1);
}

LocalDate add_days(LocalDate d, int days) {
  date::year_month_day r{date::sys_days{ymd(d)} + date::days{days}};
  return {static_cast<int>(r.year()), static_cast<int>(static_cast<unsigned>(r.month())),
          static_cast<int>(static_cast<unsigned>(r.day()))};
}

std::optional<int> parse_clock(std::string_view s, bool allow_end_of_day) {
  if (s.size() != 5 || s[2] != ':') return std::nullopt;
  auto h = digits(s, 0, 2), m = digits(s, 3, 2);
  if (!h || !m || *m > 59) return std::nullopt;
  if (*h == 24 && *m == 0 && allow_end_of_day) return 24 * 60;
  if (*h > 23) return std::nullopt;
  return *h * 60 + *m;
}

std::string format_clock(int minutes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02d:%02d", minutes / 60, minutes % 60);
  return buf;
}

}  // namespace setia::rules
