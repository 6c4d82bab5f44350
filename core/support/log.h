#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include <spdlog/spdlog.h>

namespace setia::log {

// One named logger per area (pipeline, rules, mqtt, pg, daemon, cli, pos),
// all writing to stderr (journald under systemd). Created on first use.
std::shared_ptr<spdlog::logger> get(const std::string& name);

// Sets the level of every logger, present and future ("info", "debug", ...).
void set_level(const std::string& level);

// Lets a repeating failure through once per interval and counts the rest,
// so that a database outage is a few lines, not a flood.
class RateLimit {
 public:
  explicit RateLimit(std::chrono::milliseconds interval = std::chrono::seconds(10)) : interval_(interval) {}

  // True when this occurrence should be logged; `suppressed` is set to how
  // many were held back since the last one that was.
  bool allow(std::size_t& suppressed) {
    std::lock_guard lock(mu_);
    auto now = std::chrono::steady_clock::now();
    if (last_ != std::chrono::steady_clock::time_point{} && now - last_ < interval_) {
      ++held_;
      return false;
    }
    last_ = now;
    suppressed = held_;
    held_ = 0;
    return true;
  }

 private:
  std::chrono::milliseconds interval_;
  std::mutex mu_;
  std::chrono::steady_clock::time_point last_{};
  std::size_t held_ = 0;
};

}  // namespace setia::log
