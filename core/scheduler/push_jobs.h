#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "core/ports/scheduled_push_store.h"
#include "core/scheduler/scheduler.h"
#include "core/scheduler/store_rules.h"
#include "core/services/rules_source.h"
#include "rules/promos.h"

namespace setia::core {

// The pushes the scheduler decides on, besides birthday gifts
// (birthday_job.h): reminders of points about to expire, promo
// announcements, dead-letter alerts to a store's admins. Each job runs every
// minute under its own advisory lock; what it sends is recorded once in the
// store (ScheduledPushStore), so a run repeated, by another daemon or after
// a restart, sends nothing twice, and a run after downtime catches up.
// They are scheduled only when FCM is configured: pushes that wait unsent
// would arrive days late, when the reminder or the promo means nothing.
//
// A job remembers what it finished (a store's reminders of the day, a
// promo announced) and the stores with members (asked again every
// kMemberStoresRefresh), so the minute's run costs no database round trip
// per store once the day's work is done. A store that fails does not stop
// the others; the run reports it and the scheduler tries again.

// A store whose expiry reminders are due at an instant: its
// points.expiry.remind_at has passed today (store-local), and lots expiring
// up to the end of the local day `remind_days` ahead are to be reminded.
struct ReminderDue {
  std::string store;
  std::string zone;            // tz database name, for the date in the text
  domain::LocalDate day;        // the store-local date: one run per store and day
  std::int64_t until_unix = 0;  // exclusive end of the window: local midnight after its last day
};

// Pure. The stores of stores_under(book, other_stores) whose points expire,
// whose remind_days is not 0 and whose remind_at has passed at `now`.
std::vector<ReminderDue> expiry_reminders_due(const rules::RuleBook& book, std::chrono::system_clock::time_point now,
                                              const std::vector<std::string>& other_stores = {});

// A promo to announce at an instant.
struct AnnouncementDue {
  std::string store;
  const rules::Promo* promo = nullptr;  // lives as long as the book
};

// Pure. The promos with `announce: true` of each store that run on its
// local date at `now` and whose announce_at has passed that day. A promo for
// a segment is left out: segments match no member yet (docs/rules.md).
std::vector<AnnouncementDue> announcements_due(const rules::RuleBook& book, std::chrono::system_clock::time_point now,
                                               const std::vector<std::string>& other_stores = {});

// What a promo announcement carries (FCM data: the app opens the promo).
std::string announcement_data(const rules::Promo& promo);

Job expiry_reminder_job(ScheduledPushStore& store, RulesSource rules,
                        std::chrono::seconds every = std::chrono::minutes(1));
Job promo_announcement_job(ScheduledPushStore& store, RulesSource rules,
                           std::chrono::seconds every = std::chrono::minutes(1));
// At most one alert per store every `min_gap`: the dead letters of a POS
// that keeps sending bad events are counted in the next alert.
Job dead_letter_alert_job(ScheduledPushStore& store, std::chrono::seconds every = std::chrono::minutes(1),
                          std::chrono::seconds min_gap = std::chrono::hours(1));

// How long a job trusts its list of the stores that have members (the
// stores the default file "*" covers): a new store's first reminder or
// announcement may wait this long.
inline constexpr std::chrono::minutes kMemberStoresRefresh{10};

// The jobs' names, which also name their advisory locks.
inline constexpr const char* kExpiryReminderJob = "points-expiry-reminders";
inline constexpr const char* kPromoAnnouncementJob = "promo-announcements";
inline constexpr const char* kDeadLetterAlertJob = "dead-letter-alerts";

}  // namespace setia::core
