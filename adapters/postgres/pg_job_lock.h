#pragma once

#include "adapters/postgres/pg_session.h"
#include "core/ports/job_lock.h"

namespace setia::adapters::postgres {

// core::JobLock as a session-level PostgreSQL advisory lock, keyed
// (kJobLockClass, hashtext(job name)): every daemon on the database asks
// the same key. The lock lives as long as this connection: a daemon that
// dies mid-job gives it back with its connection, and the job (idempotent)
// runs again on the next tick of another daemon.
class PgJobLock final : public core::JobLock {
 public:
  explicit PgJobLock(std::string conninfo) : session_(std::move(conninfo)) {}

  // core::JobLock
  std::expected<bool, core::StoreError> try_lock(const std::string& job) override;
  void unlock(const std::string& job) override;

 private:
  PgSession session_;
};

// 'SETI': the first key of Setia's job locks (the migrator's lock uses the
// one-key form, a separate key space).
inline constexpr int kJobLockClass = 0x53455449;

}  // namespace setia::adapters::postgres
