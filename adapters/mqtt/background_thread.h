#pragma once

namespace setia::adapters::mqtt {

// Names the calling thread (`top -H`, `ps -L`, gdb show it) and gives it
// the SCHED_BATCH policy: when it wakes it does not preempt the thread
// already on the CPU, and runs when that thread blocks or its slice ends.
//
// For the answers' threads. A sale is handled on paho's receive thread,
// one at a time, and each sale wakes the answer pump and libmosquitto's
// network thread (twice: the PUBLISH, then its PUBACK). On a small machine
// shared with PostgreSQL and the broker, those wake-ups took the CPU from
// the sale in hand: setiad's threads were switched out involuntarily 2.51
// times a sale, 1.28 with these two batch (bench/README.md, "Paired
// rounds, the answers' threads"). An answer
// then leaves when the sale thread waits for PostgreSQL, microseconds
// later; under full load, within the scheduler's slice (milliseconds,
// against a POS timeout of 30 s). Its share of the CPU is unchanged:
// batch threads are never starved.
//
// Linux lets any thread lower itself to SCHED_BATCH; false (and the thread
// keeps its policy) where that fails, or where a seccomp filter would kill
// setiad for trying (a child process tries first: background_thread.cpp).
bool mark_background_thread(const char* name);

}  // namespace setia::adapters::mqtt
