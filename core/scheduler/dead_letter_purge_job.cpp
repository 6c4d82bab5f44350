#include "core/scheduler/dead_letter_purge_job.h"

#include <string>

namespace setia::core {

Job dead_letter_purge_job(DeadLetterStore& store, std::chrono::days retention, std::chrono::seconds every, int batch) {
  return Job{.name = kDeadLetterPurgeJob,
             .every = every,
             .run = [&store, retention,
                     batch](std::chrono::system_clock::time_point now) -> std::expected<std::string, std::string> {
               const auto before =
                   std::chrono::duration_cast<std::chrono::seconds>((now - retention).time_since_epoch()).count();
               long long total = 0;
               for (;;) {
                 auto n = store.purge_received_before(before, batch);
                 if (!n) return std::unexpected(n.error().message);
                 total += *n;
                 if (*n < batch) break;
               }
               if (total == 0) return "";
               return "deleted " + std::to_string(total) + " dead letter(s) older than " +
                      std::to_string(retention.count()) + " days";
             }};
}

}  // namespace setia::core
