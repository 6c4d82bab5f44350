#include "core/scheduler/birthday_job.h"

#include <random>

#include <date/date.h>

#include "core/scheduler/store_rules.h"
#include "core/services/vouchers.h"
#include "rules/birthday.h"
#include "rules/store_time.h"

namespace setia::core {
namespace {

std::uint64_t default_random() {
  thread_local std::random_device rd;
  return (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
}

}  // namespace

bool celebrates_on(domain::LocalDate birth, domain::LocalDate day) {
  if (birth.month == day.month && birth.day == day.day) return true;
  return birth.month == 2 && birth.day == 29 && day.month == 2 && day.day == 28 && !date::year{day.year}.is_leap();
}

std::int64_t birth_date_set_before(const date::time_zone* zone, domain::LocalDate birthday, int notice_days) {
  return rules::to_unix(zone, domain::add_days(birthday, 1 - notice_days), 0);
}

std::vector<BirthdayDue> birthday_schedule(const rules::RuleBook& book, std::chrono::system_clock::time_point now,
                                           const std::vector<std::string>& other_stores) {
  const auto unix_s = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  std::vector<BirthdayDue> out;
  for (auto& [store, rs] : stores_under(book, other_stores)) {
    if (!rs->birthday) continue;
    auto local = rules::to_local(rs->zone, unix_s);
    out.push_back(BirthdayDue{.store = std::move(store),
                              .rules = rs,
                              .local_date = local.date,
                              .local_minute = local.minute,
                              .due = local.minute >= rs->birthday->send_at});
  }
  return out;
}

Job birthday_job(BirthdayStore& store, RulesSource rules, std::function<std::uint64_t()> random,
                 std::chrono::seconds every) {
  if (!random) random = default_random;
  return Job{.name = kBirthdayJob,
             .every = every,
             .run = [&store, rules = std::move(rules), random = std::move(random)](
                        std::chrono::system_clock::time_point now) -> std::expected<std::string, std::string> {
               auto book = rules();
               if (!book) return "no rules";
               std::vector<std::string> others;
               if (book->fallback && book->fallback->birthday) {
                 auto stores = store.member_stores();
                 if (!stores) return std::unexpected(stores.error().message);
                 others = std::move(*stores);
               }
               const auto unix_s = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
               int given = 0, stores_due = 0;
               for (const auto& d : birthday_schedule(*book, now, others)) {
                 if (!d.due) continue;
                 ++stores_due;
                 const rules::Birthday& b = *d.rules->birthday;
                 const auto set_before = birth_date_set_before(d.rules->zone, d.local_date, b.notice_days);
                 auto candidates = store.candidates(d.store, d.local_date, set_before);
                 if (!candidates) return std::unexpected(candidates.error().message);
                 if (candidates->empty()) continue;
                 std::vector<BirthdayGift> gifts;
                 gifts.reserve(candidates->size());
                 for (const auto& c : *candidates) {
                   gifts.push_back(BirthdayGift{.member_id = c.member_id,
                                                .code = make_voucher_code(random()),
                                                .message_id = rules::birthday_message(b, "id", c.name),
                                                .message_en = rules::birthday_message(b, "en", c.name)});
                 }
                 const std::string title = b.voucher.title.empty() ? "Hadiah Ulang Tahun" : b.voucher.title;
                 auto n = store.give(d.store, d.local_date, title, b.voucher, gifts, unix_s, set_before);
                 if (!n) return std::unexpected(d.store + ": " + n.error().message);
                 given += *n;
               }
               return "gave " + std::to_string(given) + " birthday gift(s) in " + std::to_string(stores_due) +
                      " store(s) past their send time";
             }};
}

}  // namespace setia::core
