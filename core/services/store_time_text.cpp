#include "core/services/store_time_text.h"

#include <cstdio>
#include <cstdlib>

#include "core/domain/civil_date.h"
#include "rules/store_time.h"

namespace setia::core {
std::string store_time_text(std::int64_t unix_seconds, const rules::RuleSet* rules) {
  auto local = rules::to_local(rules ? rules->zone : nullptr, unix_seconds);
  std::int64_t local_seconds = domain::days_since_epoch(local.date.year, static_cast<unsigned>(local.date.month),
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
