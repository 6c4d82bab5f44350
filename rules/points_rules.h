#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/domain/money.h"
#include "rules/civil_time.h"

namespace setia::rules {

// When an earn rule applies. Every condition given must hold; an absent one
// does not restrict. Times and dates are the store's wall clock at the
// sale's occurred_at.
struct When {
  DaySet days;                        // empty: any day
  std::optional<TimeWindow> between;  // [start, end) on the store's clock
  std::optional<LocalDate> from;      // inclusive
  std::optional<LocalDate> until;     // inclusive
  std::string category;               // the sale has >= min_qty of this category...
  std::string sku;                    // ...or of this sku (never both)
  std::int64_t min_qty = 1;
};

// What an earn rule counts its rate on.
enum class Basis { total, subtotal };

// "Rp {per_amount} spent = {points} points" on the basis amount less the
// lines that do not count (see evaluator.h).
struct RateEffect {
  domain::Money per_amount = 1000;
  domain::Points points = 1;
  Basis basis = Basis::total;
  std::vector<std::string> exclude_categories;
  std::vector<std::string> categories;  // empty: every category counts
};

// Multiplies the sale's rate points; `multiplier: 2` is 200 percent.
struct MultiplierEffect {
  int percent = 200;  // 101..1000
};

// Flat points for a sale that matches.
struct BonusEffect {
  domain::Points points = 0;
};

using EarnEffect = std::variant<RateEffect, MultiplierEffect, BonusEffect>;

struct EarnRule {
  std::string name;  // unique in its file; the ledger records it
  When when;
  EarnEffect effect;
};

// Calendar expiry: a lot earned in a month (or year) lasts to its end.
enum class ExpiryAt { end_of_month, end_of_year };

inline constexpr domain::Points kDefaultMaxPointsPerSale = 10'000;

struct PointsRules {
  std::vector<EarnRule> earn;
  // The most points one sale earns, all rules together. A file without
  // points.max_per_sale gets the base rate's points of Rp 10.000.000, so
  // that no till's total, however large, earns points without end.
  domain::Points max_per_sale = kDefaultMaxPointsPerSale;
  // points.expiry: at most one of the two is set; neither means points
  // never expire. expiry.h computes the instant.
  std::optional<int> expiry_after_days;
  std::optional<ExpiryAt> expiry_at;
  // Members are reminded once per lot, at `remind_at` store-local on the
  // first day their lot expires within `remind_days` days (0: never). At
  // most expiry_after_days - 2 (the default turns to 0 when it is not).
  int remind_days = 7;
  int remind_at = 9 * 60;  // minutes after store-local midnight
};

}  // namespace setia::rules
