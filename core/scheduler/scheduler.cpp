#include "core/scheduler/scheduler.h"

#include <algorithm>

namespace setia::core {

JobOutcome run_job_once(const Job& job, JobLock& lock, std::chrono::system_clock::time_point now) {
  auto log = log::get("scheduler");
  auto held = lock.try_lock(job.name);
  if (!held) {
    log->warn("job {}: cannot take its lock, trying again later: {}", job.name, held.error().message);
    return JobOutcome::unavailable;
  }
  if (!*held) {
    log->debug("job {}: another daemon is running it", job.name);
    return JobOutcome::busy;
  }
  std::expected<std::string, std::string> r;
  try {
    r = job.run(now);
  } catch (const std::exception& e) {
    r = std::unexpected(std::string("threw: ") + e.what());
  }
  lock.unlock(job.name);
  if (!r) {
    log->error("job {} failed: {}", job.name, r.error());
    return JobOutcome::failed;
  }
  if (r->empty())
    log->debug("job {}: nothing to do", job.name);
  else
    log->info("job {}: {}", job.name, *r);
  return JobOutcome::ran;
}

void Scheduler::add(Job job) {
  std::lock_guard lock(run_mu_);
  entries_.push_back({std::move(job), {}});
}

std::vector<std::pair<std::string, JobOutcome>> Scheduler::run_due() {
  std::lock_guard lock(run_mu_);
  std::vector<std::pair<std::string, JobOutcome>> out;
  for (auto& e : entries_) {
    auto now = clock_.now();
    if (now < e.next) continue;
    JobOutcome o = run_job_once(e.job, lock_, now);
    out.emplace_back(e.job.name, o);
    // Busy: another daemon does it this period. Failed or unavailable: the
    // database is likely down; try again soon rather than a period later.
    auto wait = (o == JobOutcome::ran || o == JobOutcome::busy)
                    ? std::chrono::duration_cast<std::chrono::system_clock::duration>(e.job.every)
                    : std::chrono::duration_cast<std::chrono::system_clock::duration>(
                          std::min<std::chrono::seconds>(e.job.every, std::chrono::seconds(60)));
    e.next = clock_.now() + wait;
  }
  return out;
}

void Scheduler::start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] {
    std::unique_lock lk(mu_);
    while (!stopping_) {
      lk.unlock();
      run_due();
      lk.lock();
      cv_.wait_for(lk, tick_, [this] { return stopping_; });
    }
  });
}

void Scheduler::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace setia::core
