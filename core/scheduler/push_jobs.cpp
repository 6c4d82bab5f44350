#include "core/scheduler/push_jobs.h"

#include <map>
#include <optional>
#include <set>
#include <tuple>

#include <nlohmann/json.hpp>

#include "rules/store_time.h"

namespace setia::core {
namespace {

std::int64_t unix_of(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

// The stores the default file "*" stands for, asked of the database only
// when the default file would do something for them, and then at most once
// per kMemberStoresRefresh (a job's run is every minute).
class MemberStores {
 public:
  template <typename Wants>
  std::expected<std::vector<std::string>, std::string> get(ScheduledPushStore& store, const rules::RuleBook& book,
                                                           Wants wants, std::chrono::system_clock::time_point now) {
    if (!book.fallback || !wants(*book.fallback)) return std::vector<std::string>{};
    if (fetched_ && now >= *fetched_ && now - *fetched_ < kMemberStoresRefresh) return stores_;
    auto stores = store.member_stores();
    if (!stores) return std::unexpected(stores.error().message);
    stores_ = std::move(*stores);
    fetched_ = now;
    return stores_;
  }

 private:
  std::vector<std::string> stores_;
  std::optional<std::chrono::system_clock::time_point> fetched_;
};

// What one run did in each store, for its log line.
struct RunTally {
  int failed = 0;
  std::string first_error;
  void fail(std::string what) {
    if (failed++ == 0) first_error = std::move(what);
  }
  // The run's result: `done` (may be empty), or, when a store failed, what
  // was done and the first failure.
  std::expected<std::string, std::string> result(std::string done) const {
    if (failed == 0) return done;
    return std::unexpected((done.empty() ? "" : done + "; ") + std::to_string(failed) + " failed, first " +
                           first_error);
  }
};

bool reminds(const rules::RuleSet& rs) {
  return rs.points.remind_days > 0 && (rs.points.expiry_after_days || rs.points.expiry_at);
}

bool announces(const rules::RuleSet& rs) {
  for (const auto& p : rs.promos) {
    if (p.announce) return true;
  }
  return false;
}

}  // namespace

std::vector<ReminderDue> expiry_reminders_due(const rules::RuleBook& book, std::chrono::system_clock::time_point now,
                                              const std::vector<std::string>& other_stores) {
  const auto unix_s = unix_of(now);
  std::vector<ReminderDue> out;
  for (auto& [store, rs] : stores_under(book, other_stores)) {
    if (!reminds(*rs)) continue;
    const auto local = rules::to_local(rs->zone, unix_s);
    if (local.minute < rs->points.remind_at) continue;
    const auto after_window = domain::add_days(local.date, rs->points.remind_days + 1);
    out.push_back({.store = std::move(store),
                   .zone = rs->zone ? rs->timezone : "UTC",
                   .day = local.date,
                   .until_unix = rules::to_unix(rs->zone, after_window, 0)});
  }
  return out;
}

std::vector<AnnouncementDue> announcements_due(const rules::RuleBook& book, std::chrono::system_clock::time_point now,
                                               const std::vector<std::string>& other_stores) {
  const auto unix_s = unix_of(now);
  std::vector<AnnouncementDue> out;
  for (const auto& [store, rs] : stores_under(book, other_stores)) {
    const auto local = rules::to_local(rs->zone, unix_s);
    for (const auto& p : rs->promos) {
      if (!p.announce || p.audience.kind == rules::Audience::Kind::segment) continue;
      if (local.date < p.from || local.date > p.until || local.minute < p.announce_at) continue;
      out.push_back({.store = store, .promo = &p});
    }
  }
  return out;
}

std::string announcement_data(const rules::Promo& promo) {
  return nlohmann::json{{"promo_id", promo.id}, {"title", promo.title}, {"until", promo.until.to_string()}}.dump();
}

Job expiry_reminder_job(ScheduledPushStore& store, RulesSource rules, std::chrono::seconds every) {
  struct State {
    MemberStores member_stores;
    std::map<std::string, domain::LocalDate> done_on;  // store -> local day whose reminders are sent
  };
  return Job{.name = kExpiryReminderJob,
             .every = every,
             .run = [&store, rules = std::move(rules), state = std::make_shared<State>()](
                        std::chrono::system_clock::time_point now) -> std::expected<std::string, std::string> {
               auto book = rules();
               if (!book) return "no rules";
               RunTally tally;
               auto others = state->member_stores.get(store, *book, reminds, now);
               if (!others) tally.fail("the stores with members: " + others.error());  // the files of their own go on
               int members = 0, stores = 0;
               for (const auto& d : expiry_reminders_due(*book, now, others.value_or(std::vector<std::string>{}))) {
                 auto done = state->done_on.find(d.store);
                 if (done != state->done_on.end() && done->second == d.day) continue;
                 auto n = store.remind_expiring(d.store, d.zone, d.day, unix_of(now), d.until_unix);
                 if (!n) {
                   tally.fail(d.store + ": " + n.error().message);
                   continue;
                 }
                 state->done_on[d.store] = d.day;
                 if (!n->has_value() || **n == 0) continue;  // done before (another daemon, a restart), or nobody due
                 members += **n;
                 ++stores;
               }
               return tally.result(stores == 0
                                       ? ""
                                       : "reminded " + std::to_string(members) + " member(s) of expiring points in " +
                                             std::to_string(stores) + " store(s)");
             }};
}

Job promo_announcement_job(ScheduledPushStore& store, RulesSource rules, std::chrono::seconds every) {
  struct State {
    MemberStores member_stores;
    std::set<std::tuple<std::string, std::string, domain::LocalDate>> announced;  // store, promo, from
  };
  return Job{.name = kPromoAnnouncementJob,
             .every = every,
             .run = [&store, rules = std::move(rules), state = std::make_shared<State>()](
                        std::chrono::system_clock::time_point now) -> std::expected<std::string, std::string> {
               auto book = rules();
               if (!book) return "no rules";
               RunTally tally;
               auto others = state->member_stores.get(store, *book, announces, now);
               if (!others) tally.fail("the stores with members: " + others.error());  // the files of their own go on
               int promos = 0, members = 0;
               for (const auto& d : announcements_due(*book, now, others.value_or(std::vector<std::string>{}))) {
                 auto key = std::tuple{d.store, d.promo->id, d.promo->from};
                 if (state->announced.contains(key)) continue;
                 auto n = store.announce_promo(d.store, d.promo->id, d.promo->from, announcement_data(*d.promo));
                 if (!n) {
                   tally.fail(d.store + "/" + d.promo->id + ": " + n.error().message);
                   continue;
                 }
                 state->announced.insert(std::move(key));
                 if (!n->has_value()) continue;  // announced before
                 ++promos;
                 members += **n;
               }
               return tally.result(promos == 0 ? ""
                                               : "announced " + std::to_string(promos) + " promo(s) to " +
                                                     std::to_string(members) + " member(s)");
             }};
}

Job dead_letter_alert_job(ScheduledPushStore& store, std::chrono::seconds every, std::chrono::seconds min_gap) {
  return Job{
      .name = kDeadLetterAlertJob,
      .every = every,
      .run = [&store, min_gap](std::chrono::system_clock::time_point now) -> std::expected<std::string, std::string> {
        auto n = store.alert_dead_letters(unix_of(now), min_gap.count());
        if (!n) return std::unexpected(n.error().message);
        if (*n == 0) return "";
        return "told the admins of " + std::to_string(*n) + " store(s) about new dead letters";
      }};
}

}  // namespace setia::core
