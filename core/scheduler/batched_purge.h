#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <functional>
#include <string>

#include "core/ports/store_error.h"

namespace setia::core {

// One batch of a purge: rows older than `before` (unix seconds), at most
// `limit`; how many went.
using Purge = std::function<std::expected<long long, StoreError>(std::int64_t before, int limit)>;

// Batches of `batch` until one comes back short, so no statement holds a
// long lock; how many went in all. The purge jobs' loop.
inline std::expected<long long, std::string> purge_all(const Purge& purge, std::int64_t before, int batch) {
  long long total = 0;
  for (;;) {
    auto n = purge(before, batch);
    if (!n) return std::unexpected(n.error().message);
    total += *n;
    if (*n < batch) return total;
  }
}

// The instant `age` before `now`, in unix seconds.
inline std::int64_t unix_before(std::chrono::system_clock::time_point now, std::chrono::days age) {
  return std::chrono::duration_cast<std::chrono::seconds>((now - age).time_since_epoch()).count();
}

}  // namespace setia::core
