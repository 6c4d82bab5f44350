// adapters/mqtt/background_thread.h: the answers' threads are named and
// batch, and marking one thread leaves the others alone.
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstddef>

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

// A seccomp filter as systemd installs it for SystemCallFilter=~@resources
// without SystemCallErrorNumber=: sched_setscheduler kills the process.
// (The architecture check systemd adds is left out: the test runs natively.)
void deny_sched_setscheduler_by_killing() {
  sock_filter code[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_sched_setscheduler, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  sock_fprog prog{static_cast<unsigned short>(sizeof code / sizeof code[0]), code};
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0) _exit(3);
}

TEST(BackgroundThread, UnderAFilterThatKillsForThePolicyChangeTheThreadKeepsItsPolicyAndTheProcessLives) {
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    deny_sched_setscheduler_by_killing();
    const bool marked = setia::adapters::mqtt::mark_background_thread("setia-test");
    _exit(marked ? 2 : sched_getscheduler(0) == SCHED_OTHER ? 0 : 4);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status)) << "killed by signal " << (WIFSIGNALED(status) ? WTERMSIG(status) : 0)
                                 << ": the policy change was tried under the filter";
  EXPECT_EQ(WEXITSTATUS(status), 0) << "3: no filter installed, 2: reported as marked, 4: policy changed";
}

}  // namespace
