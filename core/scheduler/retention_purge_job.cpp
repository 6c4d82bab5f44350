#include "core/scheduler/retention_purge_job.h"

#include <string>

#include "core/scheduler/batched_purge.h"

namespace setia::core {

Job retention_purge_job(RetentionStore& store, Retention retention, std::chrono::seconds every, int batch) {
  return Job{.name = kRetentionPurgeJob,
             .every = every,
             .run = [&store, retention,
                     batch](std::chrono::system_clock::time_point now) -> std::expected<std::string, std::string> {
               struct Kind {
                 const char* what;
                 std::chrono::days keep;
                 Purge purge;
               };
               const Kind kinds[] = {
                   {"notification(s)", retention.notifications,
                    [&](std::int64_t b, int n) { return store.purge_notifications_before(b, n); }},
                   {"failed login(s)", retention.login_failures,
                    [&](std::int64_t b, int n) { return store.purge_login_failures_before(b, n); }},
                   {"expired token(s)", retention.expired_tokens,
                    [&](std::int64_t b, int n) { return store.purge_tokens_expired_before(b, n); }},
               };
               std::string done, failed;
               for (const auto& k : kinds) {
                 // One kind failing leaves the others to go.
                 auto n = purge_all(k.purge, unix_before(now, k.keep), batch);
                 if (!n) {
                   failed += (failed.empty() ? "" : "; ") + std::string(k.what) + ": " + n.error();
                   continue;
                 }
                 if (*n == 0) continue;
                 done += (done.empty() ? "deleted " : ", ") + std::to_string(*n) + " " + k.what + " older than " +
                         std::to_string(k.keep.count()) + " days";
               }
               if (!failed.empty()) return std::unexpected((done.empty() ? "" : done + "; failed: ") + failed);
               return done;
             }};
}

}  // namespace setia::core
