#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/ports/birthday_store.h"
#include "core/scheduler/scheduler.h"
#include "core/services/rules_source.h"
#include "rules/civil_time.h"
#include "rules/rule_set.h"

namespace setia::core {

// Where one store with a birthday gift stands at an instant: the date its
// wall clock shows (in its rule file's time zone) and whether birthday.send_at
// has come on that date.
struct BirthdayDue {
  std::string store;
  std::shared_ptr<const rules::RuleSet> rules;  // whose birthday section applies (the store's or "*")
  domain::LocalDate local_date;
  int local_minute = 0;  // after local midnight
  bool due = false;      // local_minute >= send_at
};

// Pure. Every store of `book` with a birthday section, and each of
// `other_stores` (stores without a rule file of their own, e.g. those that
// have members) when the default "*" file has one; sorted by store.
std::vector<BirthdayDue> birthday_schedule(const rules::RuleBook& book, std::chrono::system_clock::time_point now,
                                           const std::vector<std::string>& other_stores = {});

// True when a member born on `birth` celebrates on `day`: same month and
// day; 29 February birthdays on 28 February in a non-leap year.
bool celebrates_on(domain::LocalDate birth, domain::LocalDate day);

// The instant (unix seconds) before which a birth date must have been set
// to bring a gift on `birthday` (store-local): the start of the day
// `notice_days` - 1 days before it, so that a date set on the day
// `notice_days` before still counts. 0 days: the end of the birthday.
std::int64_t birth_date_set_before(const date::time_zone* zone, domain::LocalDate birthday, int notice_days);

// The birthday gifts as a scheduled job: at each run, for each store whose
// send time has passed today (store-local), every member celebrating today
// who has not had this year's gift, and whose birth date was set at least
// birthday.notice_days before today, gets the voucher and a 'birthday'
// notification (once per member and year: the store's unique key). A run
// after downtime catches up as long as it is still that local day.
// `random` gives the voucher codes' bits. `store` is used only from the
// scheduler's thread.
Job birthday_job(BirthdayStore& store, RulesSource rules, std::function<std::uint64_t()> random = {},
                 std::chrono::seconds every = std::chrono::minutes(1));

// The job's name, which also names its advisory lock.
inline constexpr const char* kBirthdayJob = "birthday-gifts";

}  // namespace setia::core
