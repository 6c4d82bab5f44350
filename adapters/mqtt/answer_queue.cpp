#include "adapters/mqtt/answer_queue.h"

#include <algorithm>

namespace setia::adapters::mqtt {

AnswerQueue::AnswerQueue(std::size_t capacity, std::size_t window)
    : capacity_(std::max<std::size_t>(capacity, 1)), window_(std::max<std::size_t>(window, 1)) {}

bool AnswerQueue::push(Answer answer, const std::atomic<bool>* stopping) {
  std::unique_lock lock(mu_);
  if (waiting_.size() >= capacity_ && !closed_ && !unbounded_) {
    ++counts_.full_waits;
    while (!room_.wait_for(lock, std::chrono::milliseconds(100),
                           [&] { return waiting_.size() < capacity_ || closed_ || unbounded_; })) {
      if (stopping && stopping->load()) unbounded_ = true;
    }
  }
  if (closed_) {
    ++counts_.lost_at_exit;
    return false;
  }
  waiting_.push_back(std::move(answer));
  ++counts_.pushed;
  // With the window full the pump waits for a PUBACK, not for this answer:
  // acknowledged() wakes it.
  if (pump_can_take()) ready_.notify_one();
  return true;
}

std::optional<Answer> AnswerQueue::take(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  if (!ready_.wait_for(lock, timeout, [&] { return closed_ || pump_can_take(); })) {
    return std::nullopt;
  }
  if (closed_) return std::nullopt;
  Answer a = std::move(waiting_.front());
  waiting_.pop_front();
  ++in_flight_;
  room_.notify_one();
  return a;
}

void AnswerQueue::refused(Answer answer) {
  std::lock_guard lock(mu_);
  if (in_flight_ > 0) --in_flight_;
  ++counts_.refused;
  // At the head: answers keep their order, and the queue may briefly hold
  // capacity + 1 (the pusher waiting for room is not woken by this).
  waiting_.push_front(std::move(answer));
  ready_.notify_one();
}

void AnswerQueue::unsendable() {
  std::lock_guard lock(mu_);
  if (in_flight_ > 0) --in_flight_;  // never below zero: an extra PUBACK must not stall take()
  ++counts_.unsendable;
  if (pump_can_take()) ready_.notify_one();
  if (waiting_.empty() && in_flight_ == 0) empty_.notify_all();
}

void AnswerQueue::acknowledged(bool refused) {
  std::lock_guard lock(mu_);
  if (in_flight_ > 0) --in_flight_;
  ++counts_.acknowledged;
  if (refused) ++counts_.refused_by_broker;
  // Only when an answer waits: in a steady stream the queue is mostly
  // empty when a PUBACK comes, and waking the pump for each would cost
  // every answer a second wake-up of that thread (and the network thread a
  // futex call) for nothing; push() wakes it when the next answer comes.
  if (pump_can_take()) ready_.notify_one();
  if (waiting_.empty() && in_flight_ == 0) empty_.notify_all();
}

bool AnswerQueue::drain(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return empty_.wait_for(lock, timeout, [&] { return waiting_.empty() && in_flight_ == 0; });
}

void AnswerQueue::stop_waiting() {
  std::lock_guard lock(mu_);
  unbounded_ = true;
  room_.notify_all();
}

void AnswerQueue::close() {
  std::lock_guard lock(mu_);
  if (!closed_) counts_.lost_at_exit += waiting_.size() + in_flight_;
  closed_ = true;
  room_.notify_all();
  ready_.notify_all();
  empty_.notify_all();
}

AnswerQueue::Stats AnswerQueue::stats() const {
  std::lock_guard lock(mu_);
  Stats s = counts_;
  s.waiting = waiting_.size();
  s.in_flight = in_flight_;
  return s;
}

}  // namespace setia::adapters::mqtt
