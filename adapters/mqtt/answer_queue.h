#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>

namespace setia::adapters::mqtt {

// One answer setiad owes somebody: a result to a POS, a lookup reply, a
// dead letter. Published at QoS 1 after the commit that decided it.
struct Answer {
  std::string topic;
  std::string payload;
  std::string correlation_data;  // MQTT v5 request/response; empty: none
};

// The answers between the pipeline, which decides them on the ingress
// thread, and the MQTT client that sends them (docs/operations.md, "Answers
// under load"). Two bounds:
//  - `capacity` answers may wait here. A full queue makes push() wait: the
//    pipeline stops taking messages (they stay in the broker, which holds
//    them for our session) rather than drop an answer;
//  - at most `window` answers are with the client and not yet acknowledged
//    by the broker (PUBACK), so the client's own queue stays short and
//    nothing is ever refused for want of room there.
// An answer the client refuses for now (disconnected, out of memory) goes
// back to the head of the line and is offered again; only an answer that
// can never be published (a topic the broker rejects) is dropped, counted.
// Thread-safe: any thread pushes, one pump thread takes.
class AnswerQueue {
 public:
  AnswerQueue(std::size_t capacity, std::size_t window);

  // Queues an answer; waits while `capacity` are waiting, unless
  // `stopping` (looked at every 100 ms while waiting) says setiad is
  // stopping: then it stops waiting for good (stop_waiting()). False only
  // when the queue was closed while it waited (the answer is then counted
  // as lost: setiad is exiting without it).
  bool push(Answer answer, const std::atomic<bool>* stopping = nullptr);

  // The next answer to send, once one waits and the window has room; it
  // then counts as in flight. nullopt after `timeout` or once closed.
  std::optional<Answer> take(std::chrono::milliseconds timeout);
  // What became of an answer take() gave out:
  void refused(Answer answer);  // not taken by the client now: first in line again
  void unsendable();            // can never be published: dropped, counted
  // The broker answered one (PUBACK): out of flight; `refused` when the
  // PUBACK carried an error reason code (the answer is then lost, counted).
  void acknowledged(bool refused = false);

  // Waits until nothing waits and nothing is in flight, or `timeout`.
  bool drain(std::chrono::milliseconds timeout);
  // Stopping: push() no longer waits for room (the answers of the messages
  // in hand are queued past `capacity`, then drained or counted), so that
  // a pipeline blocked by a full queue lets the shutdown through.
  void stop_waiting();
  // Wakes every waiter; push() refuses from now on, take() returns nullopt.
  void close();

  struct Stats {
    std::size_t waiting = 0, in_flight = 0;
    std::uint64_t pushed = 0, acknowledged = 0, refused = 0, unsendable = 0, lost_at_exit = 0;
    std::uint64_t refused_by_broker = 0;  // of the acknowledged
    std::uint64_t full_waits = 0;  // push() calls that found the queue full and waited
  };
  Stats stats() const;

 private:
  // What take() waits for, besides closing; the pump is woken only when a
  // change makes it true. mu_ held.
  bool pump_can_take() const { return !waiting_.empty() && in_flight_ < window_; }

  const std::size_t capacity_, window_;
  mutable std::mutex mu_;
  std::condition_variable room_, ready_, empty_;
  std::deque<Answer> waiting_;
  std::size_t in_flight_ = 0;
  bool closed_ = false, unbounded_ = false;
  Stats counts_;
};

}  // namespace setia::adapters::mqtt
