// VoucherTerms' one JSON shape (core/domain/voucher_terms_json.h): every key
// present, what the kind does not use null, and read back to the same terms.
#include <gtest/gtest.h>

#include "core/domain/voucher_terms_json.h"

namespace setia::domain {
namespace {

using nlohmann::json;

bool same(const VoucherTerms& a, const VoucherTerms& b) { return json(a) == json(b); }

TEST(VoucherTermsJson, EachKindWritesEveryKeyAndReadsBack) {
  VoucherTerms percent{.benefit = PercentOff{.percent = 10, .max_off = 20000}, .min_spend = 50000, .valid_days = 14};
  VoucherTerms amount{.benefit = AmountOff{.amount = 25000}};
  VoucherTerms item{.benefit = FreeItem{.category = "drink", .qty = 2}, .valid_days = 7};
  for (const auto& t : {percent, amount, item}) {
    json j = t;
    for (const char* key : {"kind", "percent", "max_off", "amount_off", "free_category", "free_sku", "free_qty",
                            "min_spend", "valid_days"}) {
      EXPECT_TRUE(j.contains(key)) << key << " in " << j.dump();
    }
    EXPECT_TRUE(same(j.get<VoucherTerms>(), t)) << j.dump();
  }
  EXPECT_EQ(json(percent), json::parse(R"({"kind":"percent_off","percent":10,"max_off":20000,"amount_off":null,
      "free_category":null,"free_sku":null,"free_qty":null,"min_spend":50000,"valid_days":14})"));
  EXPECT_EQ(json(item)["free_sku"], nullptr);
  EXPECT_EQ(json(item)["free_category"], "drink");
  EXPECT_EQ(json(amount)["percent"], nullptr);
}

// A voucher row (the vouchers table as JSON) holds the terms' keys among
// its own and without valid_days: it reads, keeping the default days.
TEST(VoucherTermsJson, AVoucherRowReadsAsTerms) {
  auto row = json::parse(R"({"code":"ABCD","kind":"free_item","percent":null,"max_off":null,"amount_off":null,
      "free_category":null,"free_sku":"KS-01","free_qty":1,"min_spend":0,"status":"active"})");
  auto t = row.get<VoucherTerms>();
  ASSERT_TRUE(std::holds_alternative<FreeItem>(t.benefit));
  EXPECT_EQ(std::get<FreeItem>(t.benefit).sku, "KS-01");
  EXPECT_EQ(t.valid_days, VoucherTerms{}.valid_days);
}

TEST(VoucherTermsJson, AnUnknownKindOrAWrongTypeIsAnError) {
  EXPECT_THROW(json::parse(R"({"kind":"bogo"})").get<VoucherTerms>(), json::exception);
  EXPECT_THROW(json::parse(R"({"kind":"percent_off","percent":"ten"})").get<VoucherTerms>(), json::exception);
  EXPECT_THROW(json::parse(R"({"percent":10})").get<VoucherTerms>(), json::exception);
}

}  // namespace
}  // namespace setia::domain
