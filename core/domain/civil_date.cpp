#include "core/domain/civil_date.h"

#include <charconv>
#include <chrono>

namespace setia::domain {

std::optional<date::year_month_day> parse_civil_date(std::string_view text) {
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
  date::year_month_day ymd{date::year{*y}, date::month{static_cast<unsigned>(*m)}, date::day{static_cast<unsigned>(*d)}};
  if (!ymd.ok()) return std::nullopt;
  return ymd;
}

date::sys_days latest_today() {
  return date::floor<date::days>(std::chrono::system_clock::now() + std::chrono::hours(14));
}

std::optional<std::string> birth_date_problem(std::string_view text, date::sys_days today) {
  auto ymd = parse_civil_date(text);
  if (!ymd) return "birth_date must be a real date as YYYY-MM-DD, e.g. 1965-04-02";
  if (*ymd < date::year{1900} / 1 / 1) return "birth_date must be 1900-01-01 or later";
  if (date::sys_days{*ymd} > today) return "birth_date must not be in the future";
  return std::nullopt;
}

}  // namespace setia::domain
