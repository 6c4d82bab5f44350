#include "core/outbox/dispatcher.h"

#include "core/outbox/notification_texts.h"

namespace setia::core {

OutboxDispatcher::OutboxDispatcher(DispatcherOptions options, StoreFactory stores, Notifier& notifier,
                                   RulesSource rules)
    : options_(std::move(options)),
      stores_(std::move(stores)),
      notifier_(notifier),
      rules_(std::move(rules)),
      log_(log::get("outbox")) {}

OutboxDispatcher::~OutboxDispatcher() { stop(); }

void OutboxDispatcher::start() {
  for (int i = 0; i < options_.workers; ++i) threads_.emplace_back([this] { work(); });
}

void OutboxDispatcher::stop() {
  stopping_ = true;
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

std::chrono::seconds OutboxDispatcher::backoff(int attempts, std::optional<std::chrono::seconds> retry_after) {
  long long cap = options_.backoff_max.count();
  long long base = options_.backoff_base.count();
  long long delay = base;
  for (int i = 1; i < attempts && delay < cap; ++i) delay *= 2;
  delay = std::min(delay, cap);
  long long jittered;
  {
    std::lock_guard lock(rng_mu_);
    // Half fixed, half random: spreads retries of many rows without ever
    // collapsing a delay to zero.
    jittered = delay / 2 + std::uniform_int_distribution<long long>(0, std::max<long long>(delay - delay / 2, 0))(rng_);
  }
  if (retry_after) jittered = std::max(jittered, static_cast<long long>(retry_after->count()));
  return std::chrono::seconds(std::max<long long>(jittered, 1));
}

int OutboxDispatcher::run_once(OutboxStore& store) {
  auto items = store.claim(options_.batch, options_.lease);
  if (!items) {
    std::size_t suppressed = 0;
    if (store_down_log_.allow(suppressed)) {
      log_->warn("cannot claim outbox rows ({} similar suppressed): {}", suppressed, items.error().message);
    }
    return 0;
  }
  // One rule book for the batch: a reload falls between two batches.
  const auto book = rules_ ? rules_() : nullptr;
  for (const auto& item : *items) {
    PushContext context{.public_url = options_.public_url, .rules = book ? book->for_store(item.store_id) : nullptr};
    auto push = render_push(item, context);
    auto outcome = notifier_.send(push);
    std::expected<void, StoreError> marked;
    switch (outcome.kind) {
      case DeliveryOutcome::Kind::delivered:
        marked = store.mark_sent(item.store_id, item.id);
        log_->debug("outbox={} notification={} delivered", item.id, item.notification_id);
        break;
      case DeliveryOutcome::Kind::retry_later:
        if (item.attempts >= options_.max_attempts) {
          marked = store.mark_dead(item.store_id, item.id,
                                   "gave up after " + std::to_string(item.attempts) + " attempts: " + outcome.detail);
          log_->error("outbox={} notification={} dead after {} attempts: {}", item.id, item.notification_id,
                      item.attempts, outcome.detail);
        } else {
          auto delay = backoff(item.attempts, outcome.retry_after);
          marked = store.mark_retry(item.store_id, item.id, delay, outcome.detail);
          log_->info("outbox={} notification={} retry in {} s (attempt {}): {}", item.id, item.notification_id,
                     delay.count(), item.attempts, outcome.detail);
        }
        break;
      case DeliveryOutcome::Kind::failed:
        if (outcome.drop_device_token && !item.device_token.empty()) {
          marked = store.drop_device(item.store_id, item.device_token, outcome.detail);
        } else {
          marked = store.mark_dead(item.store_id, item.id, outcome.detail);
        }
        log_->warn("outbox={} notification={} failed for good{}: {}", item.id, item.notification_id,
                   outcome.drop_device_token ? " (device token dropped)" : "", outcome.detail);
        break;
    }
    if (!marked) {
      // The row stays leased and comes back when the lease ends: at worst
      // one more send, with the same collapse key.
      log_->warn("outbox={} could not record the outcome: {}", item.id, marked.error().message);
    }
  }
  return static_cast<int>(items->size());
}

void OutboxDispatcher::work() {
  std::unique_ptr<OutboxStore> store = stores_();
  while (!stopping_.load()) {
    if (run_once(*store) > 0) continue;
    for (auto waited = std::chrono::milliseconds(0); waited < options_.idle_poll && !stopping_.load();
         waited += std::chrono::milliseconds(50)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
}

}  // namespace setia::core
