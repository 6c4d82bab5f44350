#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "core/pipeline/sale_decoder.h"
#include "rules/evaluator.h"
#include "rules/loader.h"
#include "rules/registry.h"
#include "test_sales.h"

namespace setia::rules {
namespace {

domain::Sale sale_of(const nlohmann::json& j) {
  auto s = core::decode_sale(j["store_id"].get<std::string>(), j.dump());
  EXPECT_TRUE(s.has_value()) << s.error().detail;
  return *s;
}

RuleSet load(const std::string& yaml) {
  auto rs = load_rule_text(yaml, "test.yaml");
  EXPECT_TRUE(rs.has_value()) << (rs ? "" : rs.error()[0].to_string());
  return rs.value_or(RuleSet{});
}

// The first error's "line:column: message".
std::string first_error(const std::string& yaml) {
  auto rs = load_rule_text(yaml, "test.yaml");
  if (rs) return "no error";
  auto e = rs.error()[0];
  return std::to_string(e.line) + ":" + std::to_string(e.column) + ": " + e.message;
}

constexpr const char* kHead = "version: 1\nstore: marikh-salatiga\ntimezone: Asia/Jakarta\n";

TEST(Evaluator, PaperReceiptEarns52Points) {
  auto rs = load(std::string(kHead) + "points:\n  earn:\n    - {name: base, per_amount: 1000, points: 1}\n");
  auto d = evaluate_points(rs, sale_of(test::paper_sale()));
  EXPECT_EQ(d.points, 52);
  EXPECT_EQ(d.rule_ids, std::vector<std::string>{"base"});
  EXPECT_FALSE(d.capped);
}

TEST(Evaluator, ShippedCafeRulesGive52ForThePaperReceipt) {
  auto rs = load_rule_file(std::string(SETIA_SOURCE_DIR) + "/config/rules/marikh-salatiga.yaml");
  ASSERT_TRUE(rs.has_value()) << rs.error()[0].to_string();
  EXPECT_EQ(evaluate_points(*rs, sale_of(test::paper_sale())).points, 52);
  EXPECT_EQ(rs->points.expiry_after_days, 365);
}

TEST(Evaluator, ExcludedCategoriesDoNotEarn) {
  auto j = test::paper_sale();
  j["items"].push_back({{"sku", "RK-1"}, {"name", "Rokok"}, {"qty", 1}, {"unit_price", 30000}, {"category", "rokok"}});
  j["subtotal"] = 82000;
  j["total"] = 82000;
  j["paid"] = 100000;
  j["change"] = 18000;
  auto rs = load(std::string(kHead) +
                 "points:\n  earn:\n    - {name: base, per_amount: 1000, exclude_categories: [rokok]}\n");
  EXPECT_EQ(evaluate_points(rs, sale_of(j)).points, 52);
}

TEST(Evaluator, BasisSubtotalIgnoresTaxAndDiscount) {
  auto j = test::paper_sale();
  j["discount"] = 10000;
  j["tax"] = 4200;
  j["total"] = 46200;
  j["change"] = 53800;
  auto total = load(std::string(kHead) + "points:\n  earn:\n    - {name: base, per_amount: 1000}\n");
  auto subtotal = load(std::string(kHead) + "points:\n  earn:\n    - {name: base, per_amount: 1000, basis: subtotal}\n");
  EXPECT_EQ(evaluate_points(total, sale_of(j)).points, 46);
  EXPECT_EQ(evaluate_points(subtotal, sale_of(j)).points, 52);
}

TEST(Evaluator, RulesAddUpThenTheCapApplies) {
  auto rs = load(std::string(kHead) +
                 "points:\n  earn:\n    - {name: base, per_amount: 1000}\n"
                 "    - {name: food-bonus, per_amount: 10000, points: 3}\n  max_per_sale: 60\n");
  auto d = evaluate_points(rs, sale_of(test::paper_sale()));
  EXPECT_EQ(d.points, 60);  // 52 + 5*3 = 67, capped at 60
  EXPECT_TRUE(d.capped);
  EXPECT_EQ(d.rule_ids, (std::vector<std::string>{"base", "food-bonus"}));
}

TEST(Evaluator, PointsNeverNegativeAndNeverDecreaseWhenTheAmountGrows) {
  auto rs = load(std::string(kHead) +
                 "points:\n  earn:\n    - {name: base, per_amount: 1000, exclude_categories: [rokok]}\n");
  domain::Points last = 0;
  for (domain::Money price = 0; price <= 200000; price += 337) {
    auto j = test::paper_sale();
    j["items"] = nlohmann::json::array({{{"name", "x"}, {"qty", 1}, {"unit_price", price}, {"category", "food"}}});
    j["subtotal"] = price;
    j["total"] = price;
    j.erase("paid");
    j.erase("change");
    auto s = sale_of(j);
    auto d1 = evaluate_points(rs, s), d2 = evaluate_points(rs, s);
    ASSERT_GE(d1.points, 0);
    ASSERT_GE(d1.points, last) << "price " << price;
    ASSERT_EQ(d1.points, d2.points);
    last = d1.points;
  }
  EXPECT_EQ(last, 199);
}

TEST(Loader, UnknownKeysAreErrorsWithTheirPosition) {
  EXPECT_EQ(first_error(std::string(kHead) + "pionts: {}\n"),
            "4:1: unknown key 'pionts' in a rule file (expected one of: version, store, timezone, currency, points, enota)");
  EXPECT_EQ(first_error(std::string(kHead) + "points:\n  earn:\n    - {name: base, per_amount: 1000, bogus: 1}\n"),
            "6:38: unknown key 'bogus' in points.earn[0] (expected one of: name, per_amount, points, basis, exclude_categories)");
}

TEST(Loader, ImpossibleValuesAreErrors) {
  EXPECT_EQ(first_error(std::string(kHead) + "points:\n  earn:\n    - {name: base, per_amount: 0}\n"),
            "6:32: points.earn[0].per_amount must be between 1 and 1000000000, got 0");
  EXPECT_EQ(first_error(std::string(kHead) + "points:\n  earn:\n    - {name: base, per_amount: 1000, points: -5}\n"),
            "6:46: points.earn[0].points must be between 1 and 1000000, got -5");
  EXPECT_EQ(first_error(std::string(kHead) + "points:\n  earn:\n    - {name: base, per_amount: 1.5}\n"),
            "6:32: points.earn[0].per_amount must be a whole number, got '1.5'");
  EXPECT_EQ(first_error(std::string(kHead) + "points:\n  max_per_sale: 99999999999999999999999\n"),
            "5:17: points.max_per_sale is too large (at most 1000000000)");
  EXPECT_EQ(first_error(std::string(kHead) + "points:\n  earn:\n    - {name: a, per_amount: 1000}\n    - {name: a, per_amount: 500}\n"),
            "7:14: duplicate earn rule name 'a'");
  EXPECT_EQ(first_error(std::string(kHead) + "points:\n  earn:\n    - {name: a, per_amount: 1000, basis: net}\n"),
            "6:42: points.earn[0].basis must be 'total' or 'subtotal', got 'net'");
  EXPECT_EQ(first_error("version: 2\nstore: x\ntimezone: Asia/Jakarta\n"), "1:10: version must be between 1 and 1, got 2");
  EXPECT_EQ(first_error("version: 1\nstore: Bad_Store\ntimezone: Asia/Jakarta\n"),
            "2:8: store must be \"*\" or match [a-z0-9][a-z0-9-]{0,62}, got 'Bad_Store'");
  EXPECT_EQ(first_error("version: 1\nstore: x\n"),
            "1:1: missing 'timezone' (an IANA name such as Asia/Jakarta, Asia/Makassar or Asia/Jayapura)");
}

TEST(Loader, SyntaxErrorsAndEmptyFiles) {
  EXPECT_EQ(first_error("version: [1\n"), "2:1: YAML syntax: end of sequence flow not found");
  EXPECT_EQ(first_error(""), "1:1: file is empty");
  EXPECT_EQ(first_error("- a\n- b\n"), "1:1: a rule file must be a mapping");
}

class RuleDir : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("setia-rules-" + std::to_string(::getpid()) + "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void write(const std::string& name, const std::string& text) { std::ofstream(dir_ / name) << text; }
  std::filesystem::path dir_;
};

TEST_F(RuleDir, TwoFilesForOneStoreAreRefused) {
  write("a.yaml", kHead);
  write("b.yaml", kHead);
  auto book = load_rule_dir(dir_.string());
  ASSERT_FALSE(book);
  EXPECT_NE(book.error()[0].message.find("store 'marikh-salatiga' already has a rule file"), std::string::npos);
}

TEST_F(RuleDir, DefaultFileServesStoresWithoutTheirOwn) {
  write("default.yaml", "version: 1\nstore: \"*\"\ntimezone: Asia/Jayapura\n");
  write("marikh.yaml", kHead);
  auto book = load_rule_dir(dir_.string());
  ASSERT_TRUE(book) << book.error()[0].to_string();
  EXPECT_EQ(book->for_store("marikh-salatiga")->timezone, "Asia/Jakarta");
  EXPECT_EQ(book->for_store("other-shop")->timezone, "Asia/Jayapura");
  EXPECT_EQ(book->version.size(), 16u);
}

TEST_F(RuleDir, ReloadKeepsTheOldBookWhenAFileIsBroken) {
  write("marikh.yaml", std::string(kHead) + "points:\n  earn:\n    - {name: base, per_amount: 1000}\n");
  Registry reg(dir_.string());
  ASSERT_TRUE(reg.reload());
  auto before = reg.current();
  write("marikh.yaml", std::string(kHead) + "points:\n  earn:\n    - {name: base, per_amount: 0}\n");
  auto failed = reg.reload();
  ASSERT_FALSE(failed);
  EXPECT_EQ(reg.current(), before);
  write("marikh.yaml", std::string(kHead) + "points:\n  earn:\n    - {name: base, per_amount: 500}\n");
  ASSERT_TRUE(reg.reload());
  EXPECT_NE(reg.current()->version, before->version);
  EXPECT_EQ(reg.current()->for_store("marikh-salatiga")->points.earn[0].per_amount, 500);
}

TEST(ShippedConfig, EveryRuleFileInConfigIsValid) {
  auto book = load_rule_dir(std::string(SETIA_SOURCE_DIR) + "/config/rules");
  ASSERT_TRUE(book) << book.error()[0].to_string();
  EXPECT_NE(book->for_store("marikh-salatiga"), nullptr);
  EXPECT_NE(book->fallback, nullptr);
}

}  // namespace
}  // namespace setia::rules
