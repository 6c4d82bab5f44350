// Voucher terms: what a voucher takes off a basket.
#include <gtest/gtest.h>

#include <limits>

#include "rules/voucher_terms.h"
#include "rules_test_support.h"

namespace setia::rules {
namespace {

using domain::AmountOff;
using domain::FreeItem;
using domain::PercentOff;
using domain::VoucherTerms;
using test::basket;
using test::line;

const domain::Sale kBasket = basket(0, {line("food", 4, 13000), line("smoothies", 1, 27000, "SM-MANGO"),
                                        line("smoothies", 2, 25000, "SM-AVO")});  // subtotal 129.000

TEST(Discount, PercentOffIsFlooredAndCapped) {
  EXPECT_EQ(discount_for({.benefit = PercentOff{10, std::nullopt}}, kBasket), 12900);
  EXPECT_EQ(discount_for({.benefit = PercentOff{10, 5000}}, kBasket), 5000);
  EXPECT_EQ(discount_for({.benefit = PercentOff{7, std::nullopt}}, basket(0, {line("f", 1, 999)})), 69);  // 69.93
  EXPECT_EQ(discount_for({.benefit = PercentOff{100, std::nullopt}}, kBasket), 129000);
}

TEST(Discount, AmountOffNeverExceedsTheSubtotal) {
  EXPECT_EQ(discount_for({.benefit = AmountOff{25000}}, kBasket), 25000);
  EXPECT_EQ(discount_for({.benefit = AmountOff{25000}}, basket(0, {line("food", 1, 13000)})), 13000);
}

TEST(Discount, FreeItemIsTheCheapestMatchingLineTimesTheQuantity) {
  EXPECT_EQ(discount_for({.benefit = FreeItem{"smoothies", "", 1}}, kBasket), 25000);
  EXPECT_EQ(discount_for({.benefit = FreeItem{"smoothies", "", 2}}, kBasket), 50000);
  // Three smoothies in the basket: a voucher for five frees three.
  EXPECT_EQ(discount_for({.benefit = FreeItem{"smoothies", "", 5}}, kBasket), 75000);
  EXPECT_EQ(discount_for({.benefit = FreeItem{"", "SM-MANGO", 2}}, kBasket), 27000);
  EXPECT_EQ(discount_for({.benefit = FreeItem{"cake", "", 1}}, kBasket), 0);
}

TEST(Discount, NothingBelowTheMinimumSpend) {
  VoucherTerms t{.benefit = AmountOff{25000}, .min_spend = 130000};
  EXPECT_EQ(discount_for(t, kBasket), 0);
  t.min_spend = 129000;  // reaching it is enough
  EXPECT_EQ(discount_for(t, kBasket), 25000);
  // The minimum is on the subtotal, before discount and tax.
  EXPECT_EQ(discount_for(t, basket(0, {line("food", 1, 129000)}, 50000)), 25000);
}

TEST(Discount, NeverNegativeNorPastTheSubtotalEvenForAbsurdBaskets) {
  auto huge = basket(0, {line("food", 1, std::numeric_limits<std::int64_t>::max() / 2)});
  EXPECT_EQ(discount_for({.benefit = PercentOff{100, std::nullopt}}, huge), huge.subtotal);
  EXPECT_EQ(discount_for({.benefit = AmountOff{10}}, basket(0, {})), 0);
  auto free_item = discount_for({.benefit = FreeItem{"food", "", 100}}, basket(0, {line("food", 3, 1000)}));
  EXPECT_EQ(free_item, 3000);
}

}  // namespace
}  // namespace setia::rules
