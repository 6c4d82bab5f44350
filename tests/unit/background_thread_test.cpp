// adapters/mqtt/background_thread.h: the answers' threads are named and
// batch, and marking one thread leaves the others alone.
#include <pthread.h>
#include <sched.h>

#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "adapters/mqtt/background_thread.h"

namespace {

TEST(BackgroundThread, IsNamedAndBatchAndLeavesTheOtherThreadsAsTheyWere) {
  const int before = sched_getscheduler(0);
  int policy = -1;
  bool marked = false;
  char name[16] = {};
  std::thread t([&] {
    marked = setia::adapters::mqtt::mark_background_thread("setia-test");
    policy = sched_getscheduler(0);
    pthread_getname_np(pthread_self(), name, sizeof name);
  });
  t.join();
  EXPECT_TRUE(marked);
  EXPECT_EQ(policy, SCHED_BATCH);
  EXPECT_EQ(std::string(name), "setia-test");
  EXPECT_EQ(sched_getscheduler(0), before) << "only the calling thread changes";
  EXPECT_NE(before, SCHED_BATCH);
}

}  // namespace
