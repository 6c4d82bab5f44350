#include "core/pipeline/sale_decoder.h"

#include <gtest/gtest.h>

#include "test_sales.h"

namespace setia::core {
namespace {

using domain::Reason;
using nlohmann::json;

std::expected<domain::Sale, domain::Rejection> decode(const json& j, std::string_view store = "marikh-salatiga") {
  return decode_sale(store, j.dump());
}

void expect_rejected(const json& j, Reason reason, std::string_view detail_part) {
  auto r = decode(j);
  ASSERT_FALSE(r.has_value()) << j.dump();
  EXPECT_EQ(domain::reason_code(r.error().reason), domain::reason_code(reason)) << r.error().detail;
  EXPECT_NE(r.error().detail.find(detail_part), std::string::npos) << r.error().detail;
}

TEST(SaleDecoder, PaperReceiptDecodes) {
  auto r = decode(test::paper_sale());
  ASSERT_TRUE(r.has_value()) << r.error().detail;
  EXPECT_EQ(r->event_id, "7d9a3f0e-3b8e-4d0c-9a57-1f2b7c1d5e11");
  EXPECT_EQ(r->total, 52000);
  EXPECT_EQ(*r->paid, 100000);
  EXPECT_EQ(*r->change, 48000);
  ASSERT_EQ(r->items.size(), 1u);
  EXPECT_EQ(r->items[0].amount(), 52000);
  EXPECT_EQ(*r->member, "MKH-7Q2M9XW4");
  EXPECT_EQ(r->occurred_at_unix, 1590552660);  // 2020-05-27T04:11:00Z
}

TEST(SaleDecoder, GuestSaleWithOnlyRequiredFields) {
  json j = {{"schema", "setia.pos.sale/1"},
            {"event_id", "e1"},
            {"store_id", "marikh-salatiga"},
            {"receipt_no", "R1"},
            {"occurred_at", "2020-05-27T11:11:00Z"},
            {"items", json::array({{{"name", "Es Teh"}, {"qty", 1}, {"unit_price", 5000}}})},
            {"subtotal", 5000},
            {"total", 5000}};
  auto r = decode(j);
  ASSERT_TRUE(r.has_value()) << r.error().detail;
  EXPECT_FALSE(r->member.has_value());
}

TEST(SaleDecoder, NotJsonAndNotAnObject) {
  auto r = decode_sale("s", "{\"schema\": ");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason, Reason::not_json);
  EXPECT_FALSE(r.error().event_id.has_value());
  r = decode_sale("s", "[1,2]");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason, Reason::not_an_object);
  r = decode_sale("s", "\xff\xfe{}");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason, Reason::not_json);
}

TEST(SaleDecoder, TooLargeIsRefusedBeforeParsing) {
  std::string big(kMaxPayloadBytes + 1, ' ');
  auto r = decode_sale("s", big);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason, Reason::too_large);
  EXPECT_NE(r.error().detail.find("65537 bytes"), std::string::npos);
}

TEST(SaleDecoder, DeepNestingIsRefused) {
  std::string deep = "{\"a\":" + std::string(1000, '[') + std::string(1000, ']') + "}";
  auto r = decode_sale("s", deep);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason, Reason::not_json);
  EXPECT_NE(r.error().detail.find("nested"), std::string::npos);
}

TEST(SaleDecoder, UnknownSchema) {
  auto j = test::paper_sale();
  j["schema"] = "setia.pos.sale/2";
  expect_rejected(j, Reason::unknown_schema, "setia.pos.sale/2");
}

TEST(SaleDecoder, EachRequiredFieldIsNamedWhenMissing) {
  for (const char* field :
       {"schema", "event_id", "store_id", "receipt_no", "occurred_at", "items", "subtotal", "total"}) {
    auto j = test::paper_sale();
    j.erase(field);
    expect_rejected(j, Reason::missing_field, field);
  }
}

TEST(SaleDecoder, RejectionCarriesTheEventIdWhenReadable) {
  auto j = test::paper_sale();
  j.erase("total");
  auto r = decode(j);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().event_id, "7d9a3f0e-3b8e-4d0c-9a57-1f2b7c1d5e11");
}

TEST(SaleDecoder, MoneyMustBeWholeRupiah) {
  auto j = test::paper_sale();
  j["total"] = 52000.5;
  expect_rejected(j, Reason::invalid_field, "no fractions");
  j = test::paper_sale();
  j["items"][0]["unit_price"] = 13000.0;
  expect_rejected(j, Reason::invalid_field, "items[0].unit_price");
  j = test::paper_sale();
  j["subtotal"] = "52000";
  expect_rejected(j, Reason::invalid_field, "subtotal");
  j = test::paper_sale();
  j["discount"] = -1;
  expect_rejected(j, Reason::invalid_field, "discount");
}

TEST(SaleDecoder, HugeNumbersAreRefusedNotWrapped) {
  auto j = test::paper_sale();
  j["items"][0]["qty"] = 4;
  j["items"][0]["unit_price"] = 9223372036854775807LL;
  expect_rejected(j, Reason::invalid_field, "unit_price");
  auto r = decode_sale("marikh-salatiga", R"({"schema":"setia.pos.sale/1","event_id":"e","store_id":"marikh-salatiga",
      "receipt_no":"r","occurred_at":"2020-05-27T11:11:00Z","items":[{"name":"x","qty":1,"unit_price":1}],
      "subtotal":1,"total":18446744073709551615})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason, Reason::invalid_field);
}

TEST(SaleDecoder, ArithmeticEachEquation) {
  auto j = test::paper_sale();
  j["subtotal"] = 51000;
  j["total"] = 51000;
  j["change"] = 49000;
  expect_rejected(j, Reason::invalid_arithmetic, "subtotal 51000 is not the sum");
  j = test::paper_sale();
  j["discount"] = 2000;
  expect_rejected(j, Reason::invalid_arithmetic, "total 52000 is not subtotal - discount");
  j = test::paper_sale();
  j["change"] = 47000;
  expect_rejected(j, Reason::invalid_arithmetic, "change 47000 is not paid - total (48000)");
  j = test::paper_sale();
  j["paid"] = 50000;
  j["change"] = 0;
  expect_rejected(j, Reason::invalid_arithmetic, "paid 50000 is less than total 52000");
}

TEST(SaleDecoder, DiscountServiceChargeAndTaxAddUp) {
  auto j = test::paper_sale();
  j["discount"] = 5200;
  j["service_charge"] = 2340;
  j["tax"] = 4914;
  j["total"] = 52000 - 5200 + 2340 + 4914;
  j["change"] = 100000 - 54054;
  auto r = decode(j);
  ASSERT_TRUE(r.has_value()) << r.error().detail;
  EXPECT_EQ(r->total, 54054);
}

TEST(SaleDecoder, StoreMustMatchTheTopic) {
  auto r = decode(test::paper_sale(), "another-store");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason, Reason::store_mismatch);
  EXPECT_NE(r.error().detail.find("another-store"), std::string::npos);
}

TEST(SaleDecoder, ItemsAreChecked) {
  auto j = test::paper_sale();
  j["items"] = json::array();
  expect_rejected(j, Reason::invalid_field, "1 to 500 lines");
  j = test::paper_sale();
  j["items"][0]["qty"] = 0;
  expect_rejected(j, Reason::invalid_field, "items[0].qty");
  j = test::paper_sale();
  j["items"][0].erase("sku");
  j["items"][0].erase("name");
  expect_rejected(j, Reason::missing_field, "'sku' or a 'name'");
}

TEST(SaleDecoder, TimestampsNeedAnOffset) {
  auto j = test::paper_sale();
  j["occurred_at"] = "2020-05-27 11:11:00";
  expect_rejected(j, Reason::invalid_field, "RFC 3339");
  j["occurred_at"] = "2020-05-27T11:11:00";
  expect_rejected(j, Reason::invalid_field, "RFC 3339");
  j["occurred_at"] = "2021-02-29T11:11:00+07:00";
  expect_rejected(j, Reason::invalid_field, "RFC 3339");
}

TEST(SaleDecoder, NulCharactersAreRefused) {
  auto j = test::paper_sale();
  j["customer_name"] = std::string("O\0cha", 5);
  expect_rejected(j, Reason::invalid_field, "\\u0000");
}

TEST(SaleDecoder, ServiceIsOneOfThree) {
  auto j = test::paper_sale();
  j["service"] = "drive_thru";
  expect_rejected(j, Reason::invalid_field, "dine_in, take_away or delivery");
}

TEST(Rfc3339, ParsesOffsetsAndFractions) {
  EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_rfc3339("1970-01-01T07:00:00+07:00"), 0);
  EXPECT_EQ(parse_rfc3339("1969-12-31T15:00:00-09:00").value_or(-1), -1);  // before 1970: refused
  EXPECT_EQ(parse_rfc3339("2024-02-29T23:59:59.999+09:00"), 1709218799);
  EXPECT_FALSE(parse_rfc3339("2024-13-01T00:00:00Z"));
  EXPECT_FALSE(parse_rfc3339("2024-01-01T24:00:00Z"));
  EXPECT_FALSE(parse_rfc3339("2024-01-01T00:00:00+0700"));
  EXPECT_FALSE(parse_rfc3339("2024-01-01T00:00:00Zjunk"));
}

}  // namespace
}  // namespace setia::core
