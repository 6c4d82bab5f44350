// The earn rules: how each effect counts and how they combine
// (docs/rules.md "How the earn rules combine", rule by rule), and the
// properties the ledger relies on.
#include <gtest/gtest.h>

#include <limits>
#include <random>

#include "core/pipeline/sale_decoder.h"
#include "rules/evaluator.h"
#include "rules_test_support.h"
#include "test_sales.h"

namespace setia::rules {
namespace {

using test::basket;
using test::kHead;
using test::line;
using test::load;
using test::wib;
using Ids = std::vector<std::string>;

domain::Sale sale_of(const nlohmann::json& j) {
  auto s = core::decode_sale(j["store_id"].get<std::string>(), j.dump());
  EXPECT_TRUE(s.has_value()) << s.error().detail;
  return *s;
}

RuleSet earn(const std::string& rules, const std::string& extra = "") {
  return load(std::string(kHead) + "points:\n  earn:\n" + rules + extra);
}

// --- 2. rates -------------------------------------------------------------

TEST(EarnRate, PaperReceiptEarns52Points) {
  auto rs = earn("    - {name: base, per_amount: 1000, points: 1}\n");
  auto d = evaluate_points(rs, sale_of(setia::test::paper_sale()));
  EXPECT_EQ(d.points, 52);
  EXPECT_EQ(d.rule_ids, Ids{"base"});
  EXPECT_FALSE(d.capped);
  EXPECT_EQ(d.rate_points, 52);
  EXPECT_EQ(d.multiplier_percent, 100);
  EXPECT_EQ(d.bonus_points, 0);
}

TEST(EarnRate, ExcludedCategoriesDoNotEarn) {
  auto rs = earn("    - {name: base, per_amount: 1000, exclude_categories: [rokok]}\n");
  auto s = basket(wib(2020, 5, 27, 11, 11), {line("food", 4, 13000), line("rokok", 1, 30000)});
  EXPECT_EQ(evaluate_points(rs, s).points, 52);
}

TEST(EarnRate, BasisSubtotalIgnoresTaxAndDiscount) {
  auto s = basket(wib(2020, 5, 27, 11, 11), {line("food", 4, 13000)}, /*discount=*/10000, /*tax=*/4200);
  ASSERT_EQ(s.total, 46200);
  EXPECT_EQ(evaluate_points(earn("    - {name: base, per_amount: 1000}\n"), s).points, 46);
  EXPECT_EQ(evaluate_points(earn("    - {name: base, per_amount: 1000, basis: subtotal}\n"), s).points, 52);
}

TEST(EarnRate, CategoriesCountOnlyTheirLinesAndKeepTheTax) {
  // total 80.000 + 8.000 tax; only smoothies (2 x 25.000) count: the
  // other lines' amounts come off the total, the tax stays.
  auto s = basket(wib(2020, 5, 27, 15, 0), {line("smoothies", 2, 25000), line("food", 1, 30000)}, 0, 8000);
  auto total = earn("    - {name: s, per_amount: 1000, categories: [smoothies]}\n");
  auto subtotal = earn("    - {name: s, per_amount: 1000, categories: [smoothies], basis: subtotal}\n");
  EXPECT_EQ(evaluate_points(total, s).points, 58);
  EXPECT_EQ(evaluate_points(subtotal, s).points, 50);
  // exclude_categories wins over categories for a category in both.
  auto both = earn("    - {name: s, per_amount: 1000, categories: [smoothies, food], exclude_categories: [food]}\n");
  EXPECT_EQ(evaluate_points(both, s).points, 58);
}

TEST(EarnRate, EligibleNeverGoesBelowZero) {
  // A 50% discount on a basket of excluded lines: total - excluded < 0.
  auto s = basket(wib(2020, 5, 27, 15, 0), {line("rokok", 1, 30000)}, 15000);
  auto rs = earn("    - {name: base, per_amount: 1000, exclude_categories: [rokok]}\n");
  auto d = evaluate_points(rs, s);
  EXPECT_EQ(d.points, 0);
  EXPECT_TRUE(d.rule_ids.empty());  // a rule that gave nothing is not recorded
}

TEST(EarnRate, RatesAreSummedWithTheFloorTakenPerRule) {
  // Rp 5.500: floor(5500/1000)*1 + floor(5500/2000)*3 = 5 + 6 = 11; a floor
  // of the summed fractions would be 5.5 + 8.25 -> 13.
  auto rs = earn("    - {name: a, per_amount: 1000}\n    - {name: b, per_amount: 2000, points: 3}\n");
  auto d = evaluate_points(rs, basket(wib(2020, 5, 27, 12, 0), {line("food", 1, 5500)}));
  EXPECT_EQ(d.points, 11);
  EXPECT_EQ(d.rule_ids, (Ids{"a", "b"}));
}

// --- 3. multipliers ---------------------------------------------------------

TEST(EarnMultiplier, TheLargestMatchingMultiplierAppliesOnceToTheRateSum) {
  auto rs = earn(
      "    - {name: base, per_amount: 1000}\n"
      "    - {name: double, multiplier: 2}\n"
      "    - {name: triple, multiplier: 3}\n"
      "    - {name: double-again, multiplier: 2}\n");
  auto d = evaluate_points(rs, basket(wib(2020, 5, 27, 12, 0), {line("food", 1, 52000)}));
  EXPECT_EQ(d.points, 156);  // 52 x 3, not 52 x 2 x 3 x 2
  EXPECT_EQ(d.multiplier_percent, 300);
  EXPECT_EQ(d.rule_ids, (Ids{"base", "triple"}));
}

TEST(EarnMultiplier, OnATieTheFirstInFileOrderIsCredited) {
  auto rs = earn(
      "    - {name: base, per_amount: 1000}\n    - {name: x, multiplier: 2}\n"
      "    - {name: y, multiplier_percent: 200}\n");
  EXPECT_EQ(evaluate_points(rs, basket(wib(2020, 5, 27, 12, 0), {line("food", 1, 10000)})).rule_ids,
            (Ids{"base", "x"}));
}

TEST(EarnMultiplier, PercentMultipliersFloorTheProduct) {
  auto rs = earn("    - {name: base, per_amount: 1000}\n    - {name: half-more, multiplier_percent: 150}\n");
  EXPECT_EQ(evaluate_points(rs, basket(wib(2020, 5, 27, 12, 0), {line("food", 1, 5000)})).points, 7);  // 7.5
}

TEST(EarnMultiplier, WithoutRatePointsItGivesNothingAndIsNotRecorded) {
  auto rs = earn("    - {name: base, per_amount: 1000}\n    - {name: double, multiplier: 2}\n");
  auto d = evaluate_points(rs, basket(wib(2020, 5, 27, 12, 0), {line("food", 1, 900)}));
  EXPECT_EQ(d.points, 0);
  EXPECT_TRUE(d.rule_ids.empty());
}

// --- 4. bonuses, 5. cap -----------------------------------------------------

TEST(EarnBonus, BonusesAreAddedAfterTheMultiplierAndNotMultiplied) {
  auto rs = earn(
      "    - {name: base, per_amount: 1000}\n"
      "    - {name: double, multiplier: 2}\n"
      "    - {name: ten, bonus: 10}\n"
      "    - {name: five, bonus: 5}\n");
  auto d = evaluate_points(rs, basket(wib(2020, 5, 27, 12, 0), {line("food", 1, 52000)}));
  EXPECT_EQ(d.points, 52 * 2 + 10 + 5);
  EXPECT_EQ(d.bonus_points, 15);
  EXPECT_EQ(d.rule_ids, (Ids{"base", "double", "ten", "five"}));
}

TEST(EarnBonus, ABonusNeedsNoRate) {
  auto rs = earn("    - {name: visit, bonus: 3}\n");
  auto d = evaluate_points(rs, basket(wib(2020, 5, 27, 12, 0), {line("food", 1, 100)}));
  EXPECT_EQ(d.points, 3);
  EXPECT_EQ(d.rule_ids, Ids{"visit"});
}

TEST(EarnCap, TheCapCutsTheWholeSumLast) {
  auto rs = earn(
      "    - {name: base, per_amount: 1000}\n    - {name: double, multiplier: 2}\n"
      "    - {name: ten, bonus: 10}\n",
      "  max_per_sale: 100\n");
  auto d = evaluate_points(rs, basket(wib(2020, 5, 27, 12, 0), {line("food", 1, 52000)}));
  EXPECT_EQ(d.points, 100);  // 52 x 2 + 10 = 114
  EXPECT_TRUE(d.capped);
  EXPECT_EQ(d.rule_ids, (Ids{"base", "double", "ten"}));  // all contributed before the cap
}

// --- 1. when ------------------------------------------------------------------

// The contract's example (weekend-double, smoothie-bonus between 14:00 and
// 17:00 with at least two smoothies), as the café means it.
class ContractExample : public ::testing::Test {
 protected:
  RuleSet rs = earn(
      "    - {name: base, per_amount: 1000, points: 1, basis: total, exclude_categories: [rokok]}\n"
      "    - name: weekend-double\n      when: { days: [sat, sun] }\n      multiplier: 2\n"
      "    - name: smoothie-bonus\n"
      "      when: { category: smoothies, min_qty: 2, between: \"14:00-17:00\" }\n      bonus: 10\n",
      "  max_per_sale: 500\n");
  // 2 smoothies (Rp 25.000) and cigarettes (Rp 30.000, category rokok).
  domain::Sale at(std::int64_t when, std::int64_t smoothies = 2) {
    return basket(when, {line("smoothies", smoothies, 25000), line("rokok", 1, 30000)});
  }
};

TEST_F(ContractExample, SaturdayAfternoonDoublesTheRateThenAddsTheBonus) {
  auto d = evaluate_points(rs, at(wib(2020, 5, 30, 15, 0)));  // Saturday 15:00 WIB
  EXPECT_EQ(d.rate_points, 50);                               // rokok excluded
  EXPECT_EQ(d.points, 50 * 2 + 10);
  EXPECT_EQ(d.rule_ids, (Ids{"base", "weekend-double", "smoothie-bonus"}));
}

TEST_F(ContractExample, TheWindowIsHalfOpenOnTheStoreClock) {
  EXPECT_EQ(evaluate_points(rs, at(wib(2020, 5, 30, 14, 0))).points, 110);
  EXPECT_EQ(evaluate_points(rs, at(wib(2020, 5, 30, 16, 59))).points, 110);
  EXPECT_EQ(evaluate_points(rs, at(wib(2020, 5, 30, 17, 0))).points, 100);
  EXPECT_EQ(evaluate_points(rs, at(wib(2020, 5, 30, 13, 59))).points, 100);
}

TEST_F(ContractExample, WeekdaysAndSingleSmoothiesDoNotMatch) {
  EXPECT_EQ(evaluate_points(rs, at(wib(2020, 5, 27, 15, 0))).points, 60);     // Wednesday: no double
  EXPECT_EQ(evaluate_points(rs, at(wib(2020, 5, 30, 15, 0), 1)).points, 50);  // 25 x 2, no bonus
  EXPECT_EQ(evaluate_points(rs, at(wib(2020, 5, 31, 23, 59))).points, 100);   // Sunday night
  EXPECT_EQ(evaluate_points(rs, at(wib(2020, 6, 1, 0, 0))).points, 50);       // Monday 00:00 WIB
}

TEST_F(ContractExample, TheDayIsTheStoresNotUtcs) {
  // Saturday 2020-05-30 06:00 WIB is Friday 23:00 UTC.
  auto d = evaluate_points(rs, at(wib(2020, 5, 30, 6, 0)));
  EXPECT_EQ(d.multiplier_percent, 200);
}

TEST(EarnWhen, FromAndUntilAreInclusiveStoreLocalDates) {
  auto rs = earn("    - {name: may, bonus: 5, when: {from: 2020-05-01, until: 2020-05-31}}\n");
  auto at = [&](std::int64_t t) { return evaluate_points(rs, basket(t, {line("food", 1, 1000)})).points; };
  EXPECT_EQ(at(wib(2020, 4, 30, 23, 59)), 0);
  EXPECT_EQ(at(wib(2020, 5, 1, 0, 0)), 5);  // 2020-04-30T17:00Z
  EXPECT_EQ(at(wib(2020, 5, 31, 23, 59)), 5);
  EXPECT_EQ(at(wib(2020, 6, 1, 0, 0)), 0);  // still 2020-05-31 in UTC
}

TEST(EarnWhen, SkuAndCategoryCountQuantitiesOverAllLines) {
  auto rs = earn(
      "    - {name: kopi, bonus: 7, when: {sku: KS-01, min_qty: 3}}\n"
      "    - {name: food, bonus: 1, when: {category: food}}\n");
  auto t = wib(2020, 5, 27, 12, 0);
  EXPECT_EQ(
      evaluate_points(rs, basket(t, {line("drinks", 2, 18000, "KS-01"), line("drinks", 1, 18000, "KS-01")})).rule_ids,
      Ids{"kopi"});
  EXPECT_EQ(evaluate_points(rs, basket(t, {line("drinks", 2, 18000, "KS-01"), line("food", 1, 13000)})).rule_ids,
            Ids{"food"});
}

TEST(EarnWhen, ARateRuleCanHaveAWhenToo) {
  auto rs = earn(
      "    - {name: happy-hour, per_amount: 500, when: {days: [mon, tue, wed, thu, fri], "
      "between: \"15:00-18:00\"}}\n    - {name: base, per_amount: 1000}\n");
  EXPECT_EQ(evaluate_points(rs, basket(wib(2020, 5, 27, 16, 0), {line("food", 1, 10000)})).points, 30);
  EXPECT_EQ(evaluate_points(rs, basket(wib(2020, 5, 27, 19, 0), {line("food", 1, 10000)})).points, 10);
}

TEST(EarnWhen, TimesComeFromTheTzDatabaseNotAFixedOffset) {
  // Asia/Jakarta was UTC+07:30 until 1964: 1960-01-01 06:45Z is 14:15 there
  // (inside 14:00-17:00), though +7 would say 13:45.
  auto rs = earn("    - {name: afternoon, bonus: 1, when: {between: \"14:00-17:00\"}}\n");
  auto t = test::at_offset(1960, 1, 1, 6, 45, 0);
  EXPECT_EQ(evaluate_points(rs, basket(t, {line("food", 1, 1000)})).points, 1);
  // Daylight saving where a zone has it: 12:30Z is 14:30 in a Berlin July
  // (CEST, +2) and 13:30 in its January (CET, +1).
  auto berlin = load(
      "version: 1\nstore: x\ntimezone: Europe/Berlin\npoints:\n  earn:\n"
      "    - {name: afternoon, bonus: 1, when: {between: \"14:00-17:00\"}}\n");
  EXPECT_EQ(evaluate_points(berlin, basket(test::at_offset(2026, 7, 1, 12, 30, 0), {line("f", 1, 1)})).points, 1);
  EXPECT_EQ(evaluate_points(berlin, basket(test::at_offset(2026, 1, 7, 12, 30, 0), {line("f", 1, 1)})).points, 0);
}

// --- what the decision carries ---------------------------------------------------

TEST(EarnDecision, CarriesTheExpiryOfThePoints) {
  auto rs = earn("    - {name: base, per_amount: 1000}\n", "  expiry: {at: end_of_month}\n");
  auto d = evaluate_points(rs, basket(wib(2020, 5, 27, 11, 11), {line("food", 1, 52000)}));
  EXPECT_EQ(d.expires_at_unix, wib(2020, 6, 1));
  EXPECT_EQ(evaluate_points(earn("    - {name: base, per_amount: 1000}\n"), basket(0, {})).expires_at_unix,
            std::nullopt);
}

TEST(EarnDecision, HugeNumbersSaturateInsteadOfOverflowing) {
  // The rates, the multiplier and the bonus saturate at the largest int64
  // (an overflow would be undefined, and the sanitizers' build says so);
  // then the cap, at its largest, cuts the sum.
  auto rs = earn(
      "    - {name: a, per_amount: 1, points: 1000000}\n    - {name: b, per_amount: 1, points: 1000000}\n"
      "    - {name: m, multiplier: 10}\n    - {name: c, bonus: 1000000}\n",
      "  max_per_sale: 1000000000\n");
  auto s = basket(wib(2020, 5, 27, 12, 0), {line("food", 1, std::numeric_limits<std::int64_t>::max() / 2)});
  auto d = evaluate_points(rs, s);
  EXPECT_EQ(d.points, 1'000'000'000);
  EXPECT_TRUE(d.capped);
}

TEST(EarnDecision, WithoutMaxPerSaleTheDefaultCapApplies) {
  auto rs = earn("    - {name: base, per_amount: 1000}\n");
  auto d = evaluate_points(rs, basket(wib(2020, 5, 27, 12, 0), {line("food", 1, 50'000'000)}));
  EXPECT_EQ(d.points, 10'000) << "Rp 50.000.000 at the base rate would be 50.000";
  EXPECT_TRUE(d.capped);
}

// --- properties -------------------------------------------------------------------

// Random but reproducible sales: 1..6 lines of a few categories and skus,
// any day and minute of 2020-2021, with discount, tax and service charge.
class SaleGenerator {
 public:
  explicit SaleGenerator(std::uint64_t seed) : rng_(seed) {}
  std::int64_t pick(std::int64_t lo, std::int64_t hi) {
    return lo + static_cast<std::int64_t>(rng_() % static_cast<std::uint64_t>(hi - lo + 1));
  }
  domain::Sale next() {
    static const char* kCategories[] = {"food", "smoothies", "rokok", "drinks", ""};
    std::vector<domain::SaleLine> lines;
    for (auto n = pick(1, 6); n > 0; --n) {
      lines.push_back(
          line(kCategories[pick(0, 4)], pick(1, 5), pick(0, 60) * 500, "SKU-" + std::to_string(pick(1, 4))));
    }
    auto s = basket(wib(2020, 1, 1) + pick(0, 2 * 366 * 86400), std::move(lines));
    s.discount = pick(0, s.subtotal / 10);
    s.tax = pick(0, 20000);
    s.service_charge = pick(0, 5000);
    s.total = s.subtotal - s.discount + s.service_charge + s.tax;
    return s;
  }

 private:
  std::mt19937_64 rng_;
};

class EarnProperties : public ::testing::Test {
 protected:
  // Every effect and condition at once, with a cap high enough to matter
  // only sometimes.
  RuleSet rs = earn(
      "    - {name: base, per_amount: 1000, exclude_categories: [rokok]}\n"
      "    - {name: smoothie-rate, per_amount: 5000, points: 2, categories: [smoothies], basis: subtotal}\n"
      "    - {name: weekend-double, multiplier: 2, when: {days: [sat, sun]}}\n"
      "    - {name: evening, multiplier_percent: 150, when: {between: \"18:00-24:00\"}}\n"
      "    - {name: smoothie-bonus, bonus: 10, when: {category: smoothies, min_qty: 2, between: \"14:00-17:00\"}}\n"
      "    - {name: sku-bonus, bonus: 4, when: {sku: SKU-2, min_qty: 3, from: 2020-06-01, until: 2020-12-31}}\n",
      "  max_per_sale: 400\n");
};

TEST_F(EarnProperties, NeverNegativeAndTheSameInputGivesTheSameOutput) {
  SaleGenerator gen(20200527);
  for (int i = 0; i < 5000; ++i) {
    auto s = gen.next();
    auto a = evaluate_points(rs, s);
    auto b = evaluate_points(rs, s);
    ASSERT_GE(a.points, 0) << i;
    ASSERT_LE(a.points, 400) << i;
    ASSERT_EQ(a.points, b.points) << i;
    ASSERT_EQ(a.rule_ids, b.rule_ids) << i;
    ASSERT_EQ(a.expires_at_unix, b.expires_at_unix) << i;
  }
}

TEST_F(EarnProperties, PointsNeverDecreaseWhenAnItemsPriceGrows) {
  SaleGenerator gen(52000);
  for (int i = 0; i < 5000; ++i) {
    auto s = gen.next();
    auto before = evaluate_points(rs, s).points;
    auto& l = s.items[static_cast<std::size_t>(gen.pick(0, static_cast<std::int64_t>(s.items.size()) - 1))];
    auto grow = gen.pick(1, 40000);
    l.unit_price += grow;
    s.subtotal += grow * l.qty;  // the sale stays consistent: the rest of the bill is unchanged
    s.total += grow * l.qty;
    ASSERT_GE(evaluate_points(rs, s).points, before) << "sale " << i;
  }
}

TEST(EarnProperty, PointsGrowWithTheAmountUpToTheCap) {
  auto rs = earn("    - {name: base, per_amount: 1000, exclude_categories: [rokok]}\n", "  max_per_sale: 150\n");
  domain::Points last = 0;
  for (domain::Money price = 0; price <= 200000; price += 337) {
    auto d = evaluate_points(rs, basket(wib(2020, 5, 27, 12, 0), {line("food", 1, price)}));
    ASSERT_GE(d.points, last) << "price " << price;
    last = d.points;
  }
  EXPECT_EQ(last, 150);
}

}  // namespace
}  // namespace setia::rules
