#include "rules/evaluator.h"

#include <algorithm>
#include <limits>
#include <variant>

#include "rules/expiry.h"
#include "rules/saturating.h"

namespace setia::rules {
namespace {

bool listed(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

domain::Points rate_points(const RateEffect& rate, const domain::Sale& sale) {
  domain::Money eligible = std::max<domain::Money>(rate.basis == Basis::total ? sale.total : sale.subtotal, 0);
  domain::Money uncounted = 0;
  for (const auto& line : sale.items) {
    bool counts = (rate.categories.empty() || listed(rate.categories, line.category)) &&
                  !listed(rate.exclude_categories, line.category);
    if (!counts) uncounted = sat_add(uncounted, std::max<domain::Money>(line.amount(), 0));
  }
  // Tax, service charge and discount stay with the lines that count: taking
  // whole lines off keeps the points monotone in every line's price.
  eligible = std::max<domain::Money>(eligible - uncounted, 0);
  return sat_mul(eligible / rate.per_amount, rate.points);
}

// floor(points * percent / 100), exact (a 128-bit product), at most int64 max.
domain::Points scale_percent(domain::Points points, int percent) {
  __extension__ using Wide = __int128;  // a GCC/Clang built-in; -Wpedantic needs the marker
  Wide r = static_cast<Wide>(points) * percent / 100;
  return r > std::numeric_limits<domain::Points>::max() ? std::numeric_limits<domain::Points>::max()
                                                        : static_cast<domain::Points>(r);
}

}  // namespace

bool when_matches(const When& when, const LocalDateTime& at, const domain::Sale& sale) {
  if (!when.days.empty() && !when.days.has(at.weekday)) return false;
  if (when.between && !when.between->contains(at.minute)) return false;
  if (when.from && at.date < *when.from) return false;
  if (when.until && at.date > *when.until) return false;
  if (!when.category.empty() || !when.sku.empty()) {
    std::int64_t qty = 0;
    for (const auto& line : sale.items) {
      bool hit = when.category.empty() ? line.sku == when.sku : line.category == when.category;
      if (hit) qty = sat_add(qty, std::max<std::int64_t>(line.qty, 0));
    }
    if (qty < when.min_qty) return false;
  }
  return true;
}

PointsDecision evaluate_points(const RuleSet& rules, const domain::Sale& sale) {
  const LocalDateTime at = to_local(rules.zone, sale.occurred_at_unix);
  const auto& earn = rules.points.earn;
  std::vector<bool> contributed(earn.size(), false);
  std::size_t multiplier_rule = earn.size();

  PointsDecision d;
  for (std::size_t i = 0; i < earn.size(); ++i) {
    if (!when_matches(earn[i].when, at, sale)) continue;
    if (const auto* rate = std::get_if<RateEffect>(&earn[i].effect)) {
      domain::Points p = rate_points(*rate, sale);
      if (p > 0) {
        d.rate_points = sat_add(d.rate_points, p);
        contributed[i] = true;
      }
    } else if (const auto* mult = std::get_if<MultiplierEffect>(&earn[i].effect)) {
      if (mult->percent > d.multiplier_percent) {
        d.multiplier_percent = mult->percent;
        multiplier_rule = i;
      }
    } else if (const auto* bonus = std::get_if<BonusEffect>(&earn[i].effect)) {
      d.bonus_points = sat_add(d.bonus_points, bonus->points);
      contributed[i] = true;
    }
  }
  if (multiplier_rule < earn.size() && d.rate_points > 0) contributed[multiplier_rule] = true;

  domain::Points multiplied = scale_percent(d.rate_points, d.multiplier_percent);
  d.points = sat_add(multiplied, d.bonus_points);
  if (d.points > rules.points.max_per_sale) {
    d.points = rules.points.max_per_sale;
    d.capped = true;
  }
  for (std::size_t i = 0; i < earn.size(); ++i) {
    if (contributed[i]) d.rule_ids.push_back(earn[i].name);
  }
  d.expires_at_unix = expiry_instant(rules, sale.occurred_at_unix);
  return d;
}

}  // namespace setia::rules
