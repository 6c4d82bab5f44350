#pragma once

#include <cstdint>

namespace setia::domain {

// An amount in the store currency's smallest unit (rupiah for IDR). Money is
// never a float anywhere in Setia: the POS contract sends integers and every
// sum is checked for overflow where it comes from outside.
using Money = std::int64_t;

// Points are whole numbers too.
using Points = std::int64_t;

}  // namespace setia::domain
