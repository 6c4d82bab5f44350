#include "core/scheduler/dead_letter_purge_job.h"

#include <string>

#include "core/scheduler/batched_purge.h"

namespace setia::core {

Job dead_letter_purge_job(DeadLetterStore& store, std::chrono::days retention, std::chrono::seconds every, int batch) {
  return Job{.name = kDeadLetterPurgeJob,
             .every = every,
             .run = [&store, retention,
                     batch](std::chrono::system_clock::time_point now) -> std::expected<std::string, std::string> {
               auto total = purge_all([&](std::int64_t b, int n) { return store.purge_received_before(b, n); },
                                      unix_before(now, retention), batch);
               if (!total) return std::unexpected(total.error());
               if (*total == 0) return "";
               return "deleted " + std::to_string(*total) + " dead letter(s) older than " +
                      std::to_string(retention.count()) + " days";
             }};
}

}  // namespace setia::core
