// The answer queue between the pipeline and the MQTT client
// (adapters/mqtt/answer_queue.h): no answer is lost when the client refuses
// one, order is kept, the window and the capacity hold, a full queue makes
// the producer wait (backpressure) instead of dropping.
#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "adapters/mqtt/answer_queue.h"

namespace {

using namespace std::chrono_literals;
using setia::adapters::mqtt::Answer;
using setia::adapters::mqtt::AnswerQueue;

Answer answer(int i) { return Answer{"setia/s/pos/result", std::to_string(i), ""}; }

TEST(AnswerQueue, AnAnswerTheClientRefusesIsOfferedAgainFirstAndNothingIsLost) {
  AnswerQueue q(100, 10);
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(q.push(answer(i)));
  // A client that refuses every third offer (paho's "no more messages can
  // be buffered", libmosquitto out of memory), accepts and acknowledges
  // the others.
  std::vector<std::string> sent;
  int offers = 0;
  while (auto a = q.take(0ms)) {
    if (++offers % 3 == 0) {
      q.refused(std::move(*a));
      continue;
    }
    sent.push_back(a->payload);
    q.acknowledged();
  }
  ASSERT_EQ(sent.size(), 50u);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(sent[i], std::to_string(i)) << "order kept";
  auto s = q.stats();
  EXPECT_EQ(s.pushed, 50u);
  EXPECT_EQ(s.acknowledged, 50u);
  EXPECT_EQ(s.refused, 24u);  // offers 3, 6, ..., 72 of 74
  EXPECT_EQ(s.waiting, 0u);
  EXPECT_EQ(s.in_flight, 0u);
  EXPECT_TRUE(q.drain(0ms));
}

TEST(AnswerQueue, AtMostTheWindowIsInFlightUntilTheBrokerAcknowledges) {
  AnswerQueue q(100, 3);
  for (int i = 0; i < 5; ++i) q.push(answer(i));
  EXPECT_TRUE(q.take(0ms));
  EXPECT_TRUE(q.take(0ms));
  EXPECT_TRUE(q.take(0ms));
  EXPECT_FALSE(q.take(10ms)) << "a fourth while three wait for their PUBACK";
  q.acknowledged();
  auto next = q.take(0ms);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->payload, "3");
  EXPECT_EQ(q.stats().in_flight, 3u);
  EXPECT_FALSE(q.drain(10ms)) << "not drained while answers wait or fly";
}

TEST(AnswerQueue, AFullQueueMakesTheProducerWaitInsteadOfDropping) {
  AnswerQueue q(4, 100);
  for (int i = 0; i < 4; ++i) q.push(answer(i));
  std::atomic<bool> fifth_in{false};
  std::thread producer([&] {
    q.push(answer(4));
    fifth_in = true;
  });
  std::this_thread::sleep_for(50ms);
  EXPECT_FALSE(fifth_in.load()) << "the fifth answer waits for room";
  EXPECT_EQ(q.stats().waiting, 4u);
  auto first = q.take(0ms);  // the client takes one: room for the fifth
  producer.join();
  EXPECT_TRUE(fifth_in.load());
  EXPECT_EQ(first->payload, "0");
  auto s = q.stats();
  EXPECT_EQ(s.waiting, 4u);
  EXPECT_EQ(s.full_waits, 1u);
  EXPECT_EQ(s.lost_at_exit, 0u);
}

// Shutdown must not wait for a queue that will not drain (the answers
// connection refused by the broker): once setiad is stopping, a producer
// blocked on a full queue goes on, and its answer is kept, not dropped.
TEST(AnswerQueue, AProducerBlockedOnAFullQueueGoesOnOnceSetiadIsStopping) {
  AnswerQueue q(2, 1);
  q.push(answer(0));
  q.push(answer(1));
  std::atomic<bool> stopping{false}, pushed{false};
  std::thread producer([&] {
    EXPECT_TRUE(q.push(answer(2), &stopping));
    pushed = true;
  });
  std::this_thread::sleep_for(150ms);
  EXPECT_FALSE(pushed.load()) << "waits while not stopping";
  stopping = true;
  producer.join();
  EXPECT_EQ(q.stats().waiting, 3u) << "kept past the capacity, to be drained or counted at exit";
  EXPECT_TRUE(q.push(answer(3))) << "and no later push waits either";
  EXPECT_EQ(q.stats().lost_at_exit, 0u);
}

TEST(AnswerQueue, AnExtraAcknowledgementNeverStallsTheWindow) {
  AnswerQueue q(10, 1);
  q.push(answer(0));
  q.push(answer(1));
  ASSERT_TRUE(q.take(0ms));
  q.acknowledged();
  q.acknowledged();  // a second PUBACK for the same answer (a resend after a reconnect)
  q.unsendable();    // and a miscount on top
  auto next = q.take(0ms);
  ASSERT_TRUE(next) << "in flight never wraps below zero";
  EXPECT_EQ(next->payload, "1");
}

TEST(AnswerQueue, AnUnsendableAnswerIsCountedAndFreesItsPlace) {
  AnswerQueue q(10, 1);
  q.push(Answer{"bad/#", "x", ""});
  q.push(answer(1));
  auto bad = q.take(0ms);
  ASSERT_TRUE(bad);
  q.unsendable();
  auto good = q.take(0ms);
  ASSERT_TRUE(good) << "the window is free again";
  EXPECT_EQ(good->payload, "1");
  q.acknowledged(/*refused=*/true);  // the broker's PUBACK said "not authorized"
  auto s = q.stats();
  EXPECT_EQ(s.unsendable, 1u);
  EXPECT_EQ(s.refused_by_broker, 1u);
  EXPECT_EQ(s.acknowledged, 1u);
  EXPECT_TRUE(q.drain(0ms));
}

TEST(AnswerQueue, ClosingCountsWhatIsLeftAndReleasesAWaitingProducer) {
  AnswerQueue q(2, 1);
  q.push(answer(0));
  q.push(answer(1));
  ASSERT_TRUE(q.take(0ms));  // one in flight, one waiting
  q.push(answer(2));         // room again: two waiting
  std::atomic<int> pushed{-1};
  std::thread producer([&] { pushed = q.push(answer(3)) ? 1 : 0; });
  std::this_thread::sleep_for(20ms);
  q.close();
  producer.join();
  EXPECT_EQ(pushed.load(), 0) << "refused once closed, never silently";
  // 2 waiting + 1 in flight at close, + the one refused.
  EXPECT_EQ(q.stats().lost_at_exit, 4u);
  EXPECT_FALSE(q.take(0ms));
}

// The pump sleeps in take() and is woken when it has something to do: by
// push() when the window has room, by a PUBACK when an answer waits for
// the window. A lost wake-up leaves take() asleep for its hour: the test
// hangs until the runner's timeout (600 s under tests/run.sh) and fails.
// (That no needless wake-up happens cannot be seen from outside: a woken
// pump that finds nothing to do sleeps again.) taken_after: what a pump
// asleep in take() on another thread gets once `wake` has run, 20 ms after
// it started (either order must work).
std::optional<Answer> taken_after(AnswerQueue& q, const std::function<void()>& wake) {
  std::optional<Answer> got;
  std::thread pump([&] { got = q.take(std::chrono::hours(1)); });
  std::this_thread::sleep_for(20ms);
  wake();
  pump.join();
  return got;
}

TEST(AnswerQueue, APushWakesThePumpWaitingOnAnEmptyQueue) {
  AnswerQueue q(10, 2);
  auto got = taken_after(q, [&] { q.push(answer(7)); });
  ASSERT_TRUE(got);
  EXPECT_EQ(got->payload, "7");
  EXPECT_EQ(q.stats().in_flight, 1u);
}

TEST(AnswerQueue, APubackWakesThePumpWaitingForTheWindow) {
  AnswerQueue q(10, 1);
  q.push(answer(0));
  ASSERT_TRUE(q.take(0ms));
  q.push(answer(1));  // waits: the window of 1 is in flight
  auto got = taken_after(q, [&] { q.acknowledged(); });
  ASSERT_TRUE(got);
  EXPECT_EQ(got->payload, "1");
  // A push into a full window does not wake the pump; the PUBACK after it
  // does.
  got = taken_after(q, [&] {
    q.push(answer(2));
    std::this_thread::sleep_for(20ms);
    q.acknowledged();
  });
  ASSERT_TRUE(got);
  EXPECT_EQ(got->payload, "2");
  // A PUBACK with nothing waiting: the pump sleeps on until an answer
  // comes, and takes it.
  got = taken_after(q, [&] {
    q.acknowledged();
    std::this_thread::sleep_for(20ms);
    q.push(answer(3));
  });
  ASSERT_TRUE(got);
  EXPECT_EQ(got->payload, "3");
  EXPECT_EQ(q.stats().acknowledged, 3u);
}

// Many producers (the pipeline and the REST API's replays) and one pump:
// every answer comes out exactly once.
TEST(AnswerQueue, ConcurrentProducersLoseNothing) {
  AnswerQueue q(64, 8);
  constexpr int kThreads = 4, kEach = 5000;
  std::vector<std::thread> producers;
  for (int t = 0; t < kThreads; ++t) {
    producers.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) q.push(Answer{"t", std::to_string(t * kEach + i), ""});
    });
  }
  std::vector<int> seen(kThreads * kEach, 0);
  int taken = 0, offers = 0;
  while (taken < kThreads * kEach) {
    auto a = q.take(1000ms);
    ASSERT_TRUE(a) << "stalled after " << taken;
    if (++offers % 7 == 0) {
      q.refused(std::move(*a));
      continue;
    }
    ++seen[std::stoi(a->payload)];
    ++taken;
    q.acknowledged();
  }
  for (auto& p : producers) p.join();
  for (int i = 0; i < kThreads * kEach; ++i) ASSERT_EQ(seen[i], 1) << "answer " << i;
  EXPECT_TRUE(q.drain(0ms));
}

}  // namespace
