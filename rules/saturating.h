#pragma once

#include <cstdint>
#include <limits>

namespace setia::rules {

// Sums and products of non-negative amounts that stop at the int64 maximum
// instead of overflowing: a rule file may say "10^9 points per rupiah" and
// a sale may be large, and the answer must still be defined.
inline std::int64_t sat_add(std::int64_t a, std::int64_t b) {
  std::int64_t r;
  if (__builtin_add_overflow(a, b, &r))
    return b > 0 ? std::numeric_limits<std::int64_t>::max() : std::numeric_limits<std::int64_t>::min();
  return r;
}

inline std::int64_t sat_mul(std::int64_t a, std::int64_t b) {
  std::int64_t r;
  if (__builtin_mul_overflow(a, b, &r)) {
    return (a < 0) != (b < 0) ? std::numeric_limits<std::int64_t>::min() : std::numeric_limits<std::int64_t>::max();
  }
  return r;
}

}  // namespace setia::rules
