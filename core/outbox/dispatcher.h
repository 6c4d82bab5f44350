#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <random>
#include <thread>
#include <vector>

#include "core/ports/notifier.h"
#include "core/ports/outbox_store.h"
#include "core/services/rules_source.h"
#include "core/support/log.h"

namespace setia::core {

struct DispatcherOptions {
  int workers = 2;
  int batch = 20;
  int max_attempts = 8;                          // then the row is dead (visible, replayable)
  std::chrono::seconds lease{60};                // a claimed row is retried after this if its worker died
  std::chrono::milliseconds idle_poll{500};      // how often an idle worker looks for due rows
  std::chrono::seconds backoff_base{2};          // 2 s, 4 s, 8 s, ... with jitter
  std::chrono::seconds backoff_max{std::chrono::hours(1)};
  std::string public_url;                        // base of the links in pushes (rest.public_url)
};

// Delivers the outbox: worker threads claim due rows (SKIP LOCKED, leased),
// send each through the Notifier, and mark it sent, retry later (exponential
// backoff with full jitter, never sooner than the service's Retry-After) or
// dead after max_attempts or a permanent failure.
class OutboxDispatcher {
 public:
  using StoreFactory = std::function<std::unique_ptr<OutboxStore>()>;

  // `rules` gives the stores' own push texts (none: Setia's texts).
  OutboxDispatcher(DispatcherOptions options, StoreFactory stores, Notifier& notifier, RulesSource rules = {});
  ~OutboxDispatcher();

  void start();
  void stop();  // finishes the sends in hand

  // One claim-and-send round on `store` (the workers' loop body; tests call
  // it directly). Returns how many rows it handled.
  int run_once(OutboxStore& store);

  // The wait before attempt `attempts + 1`.
  std::chrono::seconds backoff(int attempts, std::optional<std::chrono::seconds> retry_after);

 private:
  void work();

  DispatcherOptions options_;
  StoreFactory stores_;
  Notifier& notifier_;
  RulesSource rules_;
  std::atomic<bool> stopping_{false};
  std::vector<std::thread> threads_;
  std::mutex rng_mu_;
  std::mt19937_64 rng_{std::random_device{}()};
  std::shared_ptr<spdlog::logger> log_;
  log::RateLimit store_down_log_;
};

}  // namespace setia::core
