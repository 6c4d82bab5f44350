#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace setia::adapters::postgres {

// LISTEN setia_rules (rule_versions' trigger, migration 0022) on a
// connection of its own, in a thread of its own: `changed` is called for
// every notification and after every (re)connect, since a notification
// sent while the connection was down is lost and only a fresh read of the
// versions catches up. `changed` gets the notification's payload ("<store>
// <version>"), empty after a (re)connect. A connection that stops answering is found by a
// query every kProbe and replaced.
class PgRulesListener {
 public:
  PgRulesListener(std::string conninfo, std::function<void(const std::string& payload)> changed);
  ~PgRulesListener();
  PgRulesListener(const PgRulesListener&) = delete;
  PgRulesListener& operator=(const PgRulesListener&) = delete;

  // Starts listening and waits (a few seconds at most) for the first
  // connection: when it succeeded, a reload after start() misses nothing,
  // and that connection calls no `changed`; every later one does.
  void start();
  void stop();

 private:
  void run();
  // Waits up to `d`; false when stopping.
  bool pause(std::chrono::milliseconds d);

  std::string conninfo_;
  std::function<void(const std::string& payload)> changed_;
  std::atomic<bool> stop_{false};
  bool first_done_ = false;  // guarded by mu_
  std::mutex mu_;
  std::condition_variable cv_;
  std::thread thread_;
};

}  // namespace setia::adapters::postgres
