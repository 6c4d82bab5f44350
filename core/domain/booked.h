#pragma once

#include <cstdint>

namespace setia::domain {

// A reservation holding `party` seats over [starts_at, ends_at), unix
// seconds: what the seat count of a slot is made of.
struct Booked {
  std::int64_t starts_at = 0;
  std::int64_t ends_at = 0;
  int party = 0;
};

}  // namespace setia::domain
