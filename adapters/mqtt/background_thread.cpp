#include "adapters/mqtt/background_thread.h"

#include <pthread.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

namespace setia::adapters::mqtt {

namespace {

// Whether this process may call sched_setscheduler without being killed.
// A seccomp filter that denies it kills the process (SIGSYS) unless it
// names an errno: setiad.service before this change denied @resources, and
// a unit file copied from that release stays in /etc/systemd/system
// across upgrades. A child tries first; only if it survives does the
// thread itself try.
bool policy_change_survives() {
  const pid_t pid = fork();
  if (pid < 0) return false;
  if (pid == 0) {
    // A child killed by the filter is a crash to the kernel: without this
    // it would leave a core dump (systemd-coredump: a copy of setiad's
    // memory, and an alert where crashes are watched) on every start.
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    sched_param none{};
    _exit(sched_setscheduler(0, SCHED_BATCH, &none) == 0 ? 0 : 1);
  }
  int status = 0;
  pid_t r = 0;
  while ((r = waitpid(pid, &status, 0)) < 0 && errno == EINTR) {
  }
  return r == pid && WIFEXITED(status);
}

}  // namespace

bool mark_background_thread(const char* name) {
  pthread_setname_np(pthread_self(), name);  // at most 15 characters; longer names are refused, harmlessly
  if (!policy_change_survives()) return false;
  sched_param none{};
  return pthread_setschedparam(pthread_self(), SCHED_BATCH, &none) == 0;
}

}  // namespace setia::adapters::mqtt
