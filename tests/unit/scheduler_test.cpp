// The scheduler over a manual clock and a fake advisory lock: due times,
// catching up at start, the lock, failures retried sooner.
#include "core/scheduler/scheduler.h"

#include <gtest/gtest.h>

#include "core/scheduler/dead_letter_purge_job.h"
#include "core/scheduler/points_expiry_job.h"
#include "loyalty_test_support.h"
#include "tests/fakes/fake_dead_letter_store.h"

namespace setia::core {
namespace {

using namespace std::chrono_literals;
using test::FakeJobLock;
using test::FakePoints;
using test::ManualClock;

struct Counting {
  int runs = 0;
  bool fail = false;
  std::vector<std::chrono::system_clock::time_point> at;
  Job job(std::string name, std::chrono::seconds every) {
    return Job{.name = std::move(name),
               .every = every,
               .run = [this](std::chrono::system_clock::time_point now) -> std::expected<std::string, std::string> {
                 ++runs;
                 at.push_back(now);
                 if (fail) return std::unexpected(std::string("database down"));
                 return "ok";
               }};
  }
};

TEST(Scheduler, RunsAtStartThenEveryPeriodOfItsClock) {
  ManualClock clock(1'600'000'000);
  FakeJobLock lock;
  Scheduler s(clock, lock);
  Counting c;
  s.add(c.job("points-expiry", 600s));
  auto first = s.run_due();
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].second, JobOutcome::ran);
  EXPECT_TRUE(lock.mine.empty()) << "the lock is given back after the run";
  clock.advance(599s);
  EXPECT_TRUE(s.run_due().empty());
  clock.advance(1s);
  EXPECT_EQ(s.run_due().size(), 1u);
  EXPECT_EQ(c.runs, 2);
  EXPECT_EQ(c.at[1], clock.now()) << "the job is told the scheduler's now";
}

TEST(Scheduler, AnotherHolderOfTheLockRunsItThisPeriod) {
  ManualClock clock(1'600'000'000);
  FakeJobLock lock;
  lock.held_elsewhere.insert("points-expiry");
  Scheduler s(clock, lock);
  Counting c;
  s.add(c.job("points-expiry", 600s));
  auto r = s.run_due();
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].second, JobOutcome::busy);
  EXPECT_EQ(c.runs, 0);
  lock.held_elsewhere.clear();
  clock.advance(599s);
  EXPECT_TRUE(s.run_due().empty()) << "busy counts as done for the period";
  clock.advance(1s);
  EXPECT_EQ(s.run_due()[0].second, JobOutcome::ran);
}

TEST(Scheduler, FailuresAreTriedAgainWithinAMinute) {
  ManualClock clock(1'600'000'000);
  FakeJobLock lock;
  Scheduler s(clock, lock);
  Counting c;
  c.fail = true;
  s.add(c.job("points-expiry", 600s));
  EXPECT_EQ(s.run_due()[0].second, JobOutcome::failed);
  EXPECT_TRUE(lock.mine.empty()) << "a failed run gives its lock back too";
  clock.advance(60s);
  lock.down = true;
  EXPECT_EQ(s.run_due()[0].second, JobOutcome::unavailable);
  lock.down = false;
  c.fail = false;
  clock.advance(60s);
  EXPECT_EQ(s.run_due()[0].second, JobOutcome::ran);
  EXPECT_EQ(c.runs, 2);
}

TEST(Scheduler, ItsThreadRunsTheJobsUntilStopped) {
  ManualClock clock(1'600'000'000);
  FakeJobLock lock;
  Scheduler s(clock, lock, 5ms);
  std::atomic<int> runs{0};
  s.add(Job{.name = "tick", .every = 600s, .run = [&](auto) -> std::expected<std::string, std::string> {
              ++runs;
              return "ok";
            }});
  s.start();
  for (int i = 0; i < 400 && runs.load() < 1; ++i) std::this_thread::sleep_for(5ms);
  s.stop();
  EXPECT_EQ(runs.load(), 1) << "once at start; the clock did not move";
}

TEST(PointsExpiryJob, ExpiresEverythingDueAtTheRunsNow) {
  FakePoints store;
  store.due_lots = 1200;
  Job job = points_expiry_job(store);
  EXPECT_EQ(job.name, "points-expiry");
  EXPECT_EQ(job.every, 600s);
  auto now = std::chrono::system_clock::time_point(1'600'000'000s);
  auto r = job.run(now);
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, "expired 12000 points in 1200 lot(s)");
  EXPECT_EQ(store.due_lots, 0);
  EXPECT_EQ(store.expiry_calls.front().first, 1'600'000'000);
}

TEST(DeadLetterPurgeJob, DeletesWhatIsOlderThanTheRetentionInBatchesUntilNoneIsLeft) {
  fakes::FakeDeadLetters store;
  const std::int64_t now = 1'600'000'000, day = 86'400;
  for (int i = 0; i < 25; ++i) store.letters.push_back(DeadLetterRow{.id = i + 1, .at = now - 91 * day + i});
  for (int i = 0; i < 5; ++i) store.letters.push_back(DeadLetterRow{.id = 100 + i, .at = now - 89 * day});
  Job job = dead_letter_purge_job(store, std::chrono::days(90), 3600s, 10);
  EXPECT_EQ(job.name, "dead-letter-purge");
  auto r = job.run(std::chrono::system_clock::time_point(std::chrono::seconds(now)));
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, "deleted 25 dead letter(s) older than 90 days");
  EXPECT_EQ(store.purge_calls, 3) << "batches of 10: 10, 10, then 5 (fewer than a batch: done)";
  ASSERT_EQ(store.letters.size(), 5u);
  for (const auto& d : store.letters) EXPECT_GE(d.id, 100);
  // Nothing older: nothing said.
  auto again = job.run(std::chrono::system_clock::time_point(std::chrono::seconds(now)));
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, "");
}

}  // namespace
}  // namespace setia::core
