#include "core/scheduler/report_rollup_job.h"

#include <set>
#include <string>

namespace setia::core {

Job report_rollup_job(ReportRollupStore& store, RulesSource rules, std::chrono::seconds every) {
  return Job{.name = kReportRollupJob,
             .every = every,
             .run = [&store, rules = std::move(rules)](
                        std::chrono::system_clock::time_point) -> std::expected<std::string, std::string> {
               auto listed = store.stores();
               if (!listed) return std::unexpected(listed.error().message);
               auto book = rules ? rules() : nullptr;
               std::set<std::string> stores(listed->begin(), listed->end());
               if (book) {
                 for (const auto& [name, rs] : book->by_store) {
                   if (name != "*") stores.insert(name);
                 }
               }
        // One store's failure (a zone PostgreSQL does not know) leaves the
        // others rolled; its reports read live meanwhile.
               int days = 0, rolled_stores = 0;
               std::string failed;
               for (const auto& s : stores) {
                 auto n = store.roll_store(s, book ? book->timezone_of(s) : "UTC");
                 if (!n) {
                   if (failed.empty()) failed = s + ": " + n.error().message;
                   continue;
                 }
                 days += *n;
                 rolled_stores += *n > 0;
               }
               auto late = store.roll_late();
               if (!late) return std::unexpected(late.error().message);
               if (!failed.empty()) return std::unexpected("rolling up " + failed);
               if (days == 0 && *late == 0) return "";
               return "rolled up " + std::to_string(days) + " day(s) of " + std::to_string(rolled_stores) +
                      " store(s), " + std::to_string(*late) + " day(s) again for late rows";
             }};
}

}  // namespace setia::core
