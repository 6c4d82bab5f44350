#include "adapters/mqtt/background_thread.h"

#include <pthread.h>
#include <sched.h>

namespace setia::adapters::mqtt {

bool mark_background_thread(const char* name) {
  pthread_setname_np(pthread_self(), name);  // at most 15 characters; longer names are refused, harmlessly
  sched_param none{};
  none.sched_priority = 0;
  return pthread_setschedparam(pthread_self(), SCHED_BATCH, &none) == 0;
}

}  // namespace setia::adapters::mqtt
