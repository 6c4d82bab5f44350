#include "core/services/store_time_text.h"

#include <cstdio>
#include <cstdlib>

#include "rules/store_time.h"

namespace setia::core {
namespace {

// Days since 1970-01-01 of a civil date (H. Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

}  // namespace

std::string store_time_text(std::int64_t unix_seconds, const rules::RuleSet* rules) {
  auto local = rules::to_local(rules ? rules->zone : nullptr, unix_seconds);
  std::int64_t local_seconds = days_from_civil(local.date.year, static_cast<unsigned>(local.date.month),
                                               static_cast<unsigned>(local.date.day)) * 86400 +
                               local.minute * 60 + local.second;
  // The zone's offset at that instant (the clamp in to_local aside).
  std::int64_t offset_min = (local_seconds - unix_seconds) / 60;
  char buf[64];
  if (offset_min == 0) {
    std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02dZ", local.date.to_string().c_str(), local.minute / 60,
                  local.minute % 60, local.second);
  } else {
    std::int64_t a = std::llabs(offset_min);
    std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02d%c%02lld:%02lld", local.date.to_string().c_str(), local.minute / 60,
                  local.minute % 60, local.second, offset_min < 0 ? '-' : '+', static_cast<long long>(a / 60),
                  static_cast<long long>(a % 60));
  }
  return buf;
}

std::string store_date_text(std::int64_t unix_seconds, const rules::RuleSet* rules) {
  return rules::to_local(rules ? rules->zone : nullptr, unix_seconds).date.to_string();
}

}  // namespace setia::core
