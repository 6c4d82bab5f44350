#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/domain/money.h"
#include "core/domain/voucher_terms.h"
#include "rules/civil_time.h"

namespace setia::rules {

struct RuleSet;

// One entry of the reward catalog: `cost` points buy a voucher.
struct Reward {
  std::string id;
  std::string title;
  domain::Points cost = 0;
  std::optional<std::int64_t> stock;         // vouchers to give in all; none: unlimited
  std::optional<LocalDate> available_from;   // inclusive, store-local
  std::optional<LocalDate> available_until;  // inclusive, store-local
  domain::VoucherTerms voucher;
};

// Whether `reward` can be redeemed at `at_unix`: the store-local date lies
// in its window and, when it has a stock, fewer than `stock` vouchers have
// been issued for it (`issued`, which the store counts).
bool reward_available(const RuleSet& rules, const Reward& reward, std::int64_t at_unix, std::int64_t issued = 0);

}  // namespace setia::rules
