#pragma once

#include <chrono>
#include <condition_variable>
#include <expected>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "core/ports/clock.h"
#include "core/ports/job_lock.h"
#include "core/support/log.h"

namespace setia::core {

// A periodic job. `run` does everything due at `now` (so a run after
// downtime catches up) and must be idempotent: several daemons never run it
// at once, but one after another they may. It returns a line for the log,
// or what failed; an empty line (nothing done) is logged at debug level
// only, so that a job running every minute does not fill the journal.
struct Job {
  std::string name;  // also names its advisory lock
  std::chrono::seconds every{600};
  std::function<std::expected<std::string, std::string>(std::chrono::system_clock::time_point now)> run;
};

enum class JobOutcome {
  ran,          // this caller held the lock and the job succeeded
  failed,       // held the lock; the job said what went wrong
  busy,         // another daemon (or runner) holds the lock: it runs the job
  unavailable,  // the lock could not be asked for (database down)
};

// Runs `job` once at `now` under its lock: the lock is taken without
// waiting and given back after the run.
JobOutcome run_job_once(const Job& job, JobLock& lock, std::chrono::system_clock::time_point now);

// Runs registered jobs periodically on its own thread, time read from a
// Clock (tests move it). Each job runs at start (catching up), then every
// `every`; after a failure it is tried again within a minute.
class Scheduler {
 public:
  // `lock` is used only from the scheduler's thread (or by run_due's caller).
  Scheduler(const Clock& clock, JobLock& lock, std::chrono::milliseconds tick = std::chrono::seconds(1))
      : clock_(clock), lock_(lock), tick_(tick), log_(log::get("scheduler")) {}
  ~Scheduler() { stop(); }
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  void add(Job job);
  void start();
  // Waits for the job in hand to finish.
  void stop();

  // One pass at clock.now(): runs each job that is due. The thread's loop
  // body; tests call it directly without start().
  std::vector<std::pair<std::string, JobOutcome>> run_due();

 private:
  struct Entry {
    Job job;
    std::chrono::system_clock::time_point next{};  // epoch: due at once
  };
  const Clock& clock_;
  JobLock& lock_;
  std::chrono::milliseconds tick_;
  std::shared_ptr<spdlog::logger> log_;
  std::mutex run_mu_;  // one pass at a time
  std::vector<Entry> entries_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace setia::core
