#include "adapters/postgres/pg_job_lock.h"

namespace setia::adapters::postgres {

std::expected<bool, core::StoreError> PgJobLock::try_lock(const std::string& job) {
  int got = 0, cls = kJobLockClass;
  auto done = session_.run([&](soci::session& sql) {
    sql << "SELECT pg_try_advisory_lock(:c, hashtext(:j))::int", soci::use(cls), soci::use(job), soci::into(got);
  });
  if (!done) return std::unexpected(done.error());
  return got == 1;
}

void PgJobLock::unlock(const std::string& job) {
  int cls = kJobLockClass, released = 0;
  // A failure here means the connection is gone, and the lock with it.
  (void)session_.run([&](soci::session& sql) {
    sql << "SELECT pg_advisory_unlock(:c, hashtext(:j))::int", soci::use(cls), soci::use(job), soci::into(released);
  });
}

}  // namespace setia::adapters::postgres
