#include "core/services/store_time_text.h"

#include <chrono>

#include <date/tz.h>

#include "rules/store_time.h"

namespace setia::core {

std::string store_time_text(std::int64_t unix_seconds, const rules::RuleSet* rules) {
  const date::time_zone* zone = rules ? rules->zone : nullptr;
  date::sys_seconds at{std::chrono::seconds{rules::clamp_to_calendar(unix_seconds)}};
  if (!zone || zone->get_info(at).offset == std::chrono::seconds{0}) return date::format("%FT%TZ", at);
  return date::format("%FT%T%Ez", date::make_zoned(zone, at));
}

std::string store_date_text(std::int64_t unix_seconds, const rules::RuleSet* rules) {
  return rules::to_local(rules ? rules->zone : nullptr, unix_seconds).date.to_string();
}

}  // namespace setia::core
