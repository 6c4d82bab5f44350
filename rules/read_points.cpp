// The points section of a rule file: earn rules, the cap, expiry.
#include <algorithm>
#include <utility>

#include "rules/rule_reader.h"

namespace setia::rules {
namespace {

constexpr std::size_t kMaxEarnRules = 100;
constexpr std::size_t kMaxCategories = 100;
constexpr std::size_t kMaxNameChars = 100;

}  // namespace

void RuleReader::points(const YAML::Node& n, PointsRules& out) {
  if (!keys(n, "points", {"earn", "max_per_sale", "expiry"})) return;
  if (const auto earn = n["earn"]) {
    if (!earn.IsSequence()) {
      error(earn, "points.earn must be a list of earn rules");
    } else if (earn.size() > kMaxEarnRules) {
      error(earn,
            "points.earn has " + std::to_string(earn.size()) + " rules, at most " + std::to_string(kMaxEarnRules));
    } else {
      std::size_t i = 0;
      for (const auto& rule : earn) {
        if (auto r = earn_rule(rule, "points.earn[" + std::to_string(i) + "]")) out.earn.push_back(std::move(*r));
        ++i;
      }
    }
  }
  get(n, "max_per_sale", "points.max_per_sale", out.max_per_sale, 1, 1'000'000'000);
  if (n["expiry"]) expiry(n["expiry"], out);
}

std::optional<EarnRule> RuleReader::earn_rule(const YAML::Node& n, const std::string& what) {
  if (!keys(n, what,
            {"name", "when", "per_amount", "points", "basis", "exclude_categories", "categories", "multiplier",
             "multiplier_percent", "bonus"})) {
    return std::nullopt;
  }
  EarnRule rule;
  if (require(n, "name", what, "a unique name the ledger records, e.g. base")) {
    if (auto s = id(n["name"], what + ".name")) {
      rule.name = *s;
      claim_id(n["name"], rule.name, "earn rule");
    }
  }
  if (n["when"]) rule.when = when(n["when"], what + ".when");

  // Exactly one effect. Which keys belong to which effect decides it, so a
  // stray `points:` next to a `bonus:` is named rather than ignored.
  const bool rate = n["per_amount"] || n["points"] || n["basis"] || n["exclude_categories"] || n["categories"];
  const bool multiplier = n["multiplier"] || n["multiplier_percent"];
  const bool bonus = static_cast<bool>(n["bonus"]);
  const int effects = int{rate} + int{multiplier} + int{bonus} + int{n["multiplier"] && n["multiplier_percent"]};
  if (effects == 0) {
    error(n, what +
                 " needs one effect: a rate (per_amount, points), a multiplier (multiplier or "
                 "multiplier_percent) or a bonus");
    return std::nullopt;
  }
  if (effects > 1) {
    std::string found;
    for (const char* k : {"per_amount", "points", "basis", "exclude_categories", "categories", "multiplier",
                          "multiplier_percent", "bonus"}) {
      if (n[k]) found += (found.empty() ? "" : ", ") + std::string(k);
    }
    error(n, what + " has more than one effect (" + found +
                 "); give exactly one: a rate (per_amount with points, basis, exclude_categories, categories), "
                 "multiplier, multiplier_percent or bonus");
    return std::nullopt;
  }
  if (rate) {
    RateEffect r;
    if (require(n, "per_amount", what, "rupiah spent per 'points', e.g. 1000")) {
      if (auto v = integer(n["per_amount"], what + ".per_amount", 1, 1'000'000'000)) r.per_amount = *v;
    }
    if (n["points"]) {
      if (auto v = integer(n["points"], what + ".points", 1, 1'000'000)) r.points = *v;
    }
    if (n["basis"]) {
      if (auto s = string(n["basis"], what + ".basis")) {
        if (*s == "total")
          r.basis = Basis::total;
        else if (*s == "subtotal")
          r.basis = Basis::subtotal;
        else
          error(n["basis"], what + ".basis must be 'total' or 'subtotal', got '" + *s + "'");
      }
    }
    if (n["exclude_categories"]) {
      r.exclude_categories =
          texts(n["exclude_categories"], what + ".exclude_categories", kMaxCategories, kMaxNameChars);
    }
    if (n["categories"]) {
      r.categories = texts(n["categories"], what + ".categories", kMaxCategories, kMaxNameChars);
      if (r.categories.empty() && n["categories"].IsSequence()) {
        error(n["categories"], what + ".categories must list at least one category (leave it out to count every line)");
      }
    }
    rule.effect = std::move(r);
  } else if (multiplier) {
    MultiplierEffect m;
    if (n["multiplier"]) {
      if (auto v = integer(n["multiplier"], what + ".multiplier", 2, 10)) m.percent = static_cast<int>(*v * 100);
    } else if (auto v = integer(n["multiplier_percent"], what + ".multiplier_percent", 101, 1000)) {
      m.percent = static_cast<int>(*v);
    }
    rule.effect = m;
  } else {
    BonusEffect b;
    if (auto v = integer(n["bonus"], what + ".bonus", 1, 1'000'000)) b.points = *v;
    rule.effect = b;
  }
  return rule;
}

When RuleReader::when(const YAML::Node& n, const std::string& what) {
  When w;
  if (!keys(n, what, {"days", "between", "from", "until", "category", "sku", "min_qty"})) return w;
  if (n["days"]) w.days = days(n["days"], what + ".days");
  if (n["between"]) w.between = window(n["between"], what + ".between");
  if (n["from"]) w.from = date(n["from"], what + ".from");
  if (n["until"]) w.until = date(n["until"], what + ".until");
  date_order(n["until"], w.from, w.until, what);
  if (n["category"] && n["sku"]) {
    error(n["sku"], what + " gives both category and sku; a rule counts one of them (use two rules for both)");
  } else {
    // An empty name would match the lines that have no category (or sku).
    for (auto [key, out] : {std::pair{"category", &w.category}, std::pair{"sku", &w.sku}}) {
      if (!n[key]) continue;
      if (auto s = text(n[key], what + "." + key, kMaxNameChars)) {
        if (s->empty())
          error(n[key], what + "." + key + " must not be empty");
        else
          *out = *s;
      }
    }
  }
  if (n["min_qty"]) {
    if (!n["category"] && !n["sku"]) {
      error(n["min_qty"], what + ".min_qty needs a category or a sku to count");
    } else if (auto v = integer(n["min_qty"], what + ".min_qty", 1, 1'000'000)) {
      w.min_qty = *v;
    }
  }
  return w;
}

void RuleReader::expiry(const YAML::Node& n, PointsRules& out) {
  if (!keys(n, "points.expiry", {"after_days", "at", "remind_days", "remind_at"})) return;
  std::optional<std::int64_t> remind_days;
  if (n["remind_days"]) {
    remind_days = integer(n["remind_days"], "points.expiry.remind_days", 0, 365);
    if (remind_days) out.remind_days = static_cast<int>(*remind_days);
  }
  if (n["remind_at"]) {
    if (auto m = clock(n["remind_at"], "points.expiry.remind_at")) out.remind_at = *m;
  }
  if (n["after_days"] && n["at"]) {
    error(n["at"], "points.expiry gives both after_days and at; give one");
  } else if (n["after_days"]) {
    if (auto v = integer(n["after_days"], "points.expiry.after_days", 1, 3650)) {
      out.expiry_after_days = static_cast<int>(*v);
      // The day after a lot is earned, the reminders reach lots that end
      // up to remind_days + 1 days after the sale: with remind_days of
      // after_days - 1 or more, every lot is reminded about at once. The
      // default steps aside; a file that asks for it is told why not.
      const int most = *out.expiry_after_days - 2;
      if (!n["remind_days"]) {
        if (out.remind_days > most) out.remind_days = 0;
      } else if (remind_days && out.remind_days > 0 && out.remind_days > most) {
        error(n["remind_days"], "points.expiry.remind_days is " + std::to_string(out.remind_days) +
                                    ", at most after_days - 2 (" + std::to_string(std::max(most, 0)) +
                                    ") or 0: every lot would be reminded about the day after it is earned");
      }
    }
  } else if (n["at"]) {
    if (auto s = string(n["at"], "points.expiry.at")) {
      if (*s == "end_of_month")
        out.expiry_at = ExpiryAt::end_of_month;
      else if (*s == "end_of_year")
        out.expiry_at = ExpiryAt::end_of_year;
      else
        error(n["at"], "points.expiry.at must be end_of_month or end_of_year, got '" + *s + "'");
    }
  } else {
    error(n, "points.expiry needs after_days (e.g. {after_days: 365}) or at (end_of_month or end_of_year)");
  }
}

}  // namespace setia::rules
