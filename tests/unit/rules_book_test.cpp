// The rule book: a directory of rule files, one per store, reloaded whole,
// and the files the project ships.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/pipeline/sale_decoder.h"
#include "rules/evaluator.h"
#include "rules/promos.h"
#include "rules/registry.h"
#include "rules/rewards.h"
#include "rules_test_support.h"
#include "test_sales.h"

namespace setia::rules {
namespace {

using test::kHead;
using test::wib;

class RuleDir : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("setia-rules-" + std::to_string(::getpid()) + "-" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
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
  write("notes.txt", "not a rule file");
  auto book = load_rule_dir(dir_.string());
  ASSERT_TRUE(book) << book.error()[0].to_string();
  EXPECT_EQ(book->for_store("marikh-salatiga")->timezone, "Asia/Jakarta");
  EXPECT_EQ(book->for_store("other-shop")->timezone, "Asia/Jayapura");
  EXPECT_EQ(book->files.size(), 2u);
  EXPECT_EQ(book->version.size(), 16u);
}

TEST_F(RuleDir, AnErrorInOneFileRefusesTheWholeBook) {
  write("default.yaml", "version: 1\nstore: \"*\"\ntimezone: Asia/Jayapura\n");
  write("marikh.yaml", std::string(kHead) + "points:\n  earn:\n    - {name: base, per_amount: 0}\n");
  auto book = load_rule_dir(dir_.string());
  ASSERT_FALSE(book);
  EXPECT_EQ(book.error()[0].file, (dir_ / "marikh.yaml").string());
  EXPECT_EQ(book.error()[0].line, 6);
}

TEST_F(RuleDir, ReloadKeepsTheOldBookWhenAFileIsBroken) {
  write("marikh.yaml", std::string(kHead) + "points:\n  earn:\n    - {name: base, per_amount: 1000}\n");
  Registry reg(dir_.string());
  ASSERT_TRUE(reg.reload());
  auto before = reg.current();
  write("marikh.yaml", std::string(kHead) + "points:\n  earn:\n    - {name: base, per_amount: 0}\n");
  ASSERT_FALSE(reg.reload());
  EXPECT_EQ(reg.current(), before);
  write("marikh.yaml", std::string(kHead) + "points:\n  earn:\n    - {name: base, per_amount: 500}\n");
  ASSERT_TRUE(reg.reload());
  EXPECT_NE(reg.current()->version, before->version);
  const auto& rate = std::get<RateEffect>(reg.current()->for_store("marikh-salatiga")->points.earn[0].effect);
  EXPECT_EQ(rate.per_amount, 500);
}

// --- the shipped files ------------------------------------------------------------

domain::Sale paper_sale() {
  auto j = setia::test::paper_sale();
  auto s = core::decode_sale(j["store_id"].get<std::string>(), j.dump());
  EXPECT_TRUE(s.has_value());
  return *s;
}

TEST(ShippedConfig, EveryRuleFileInConfigIsValid) {
  auto book = load_rule_dir(std::string(SETIA_SOURCE_DIR) + "/config/rules");
  ASSERT_TRUE(book) << book.error()[0].to_string();
  EXPECT_NE(book->for_store("marikh-salatiga"), nullptr);
  EXPECT_NE(book->fallback, nullptr);
}

TEST(ShippedConfig, MarikhGives52PointsForThePaperReceipt) {
  auto rs = load_rule_file(std::string(SETIA_SOURCE_DIR) + "/config/rules/marikh-salatiga.yaml");
  ASSERT_TRUE(rs.has_value()) << rs.error()[0].to_string();
  auto sale = paper_sale();  // Wednesday 2020-05-27 11:11 WIB, Rp 52.000
  auto d = evaluate_points(*rs, sale);
  EXPECT_EQ(d.points, 52);
  EXPECT_EQ(d.rule_ids, std::vector<std::string>{"base"});
  EXPECT_EQ(rs->points.expiry_after_days, 365);
  EXPECT_EQ(d.expires_at_unix, wib(2021, 5, 27, 11, 11));
}

TEST(ShippedConfig, MarikhOffersTheSmoothieRewardUntilAugust2027) {
  auto rs = load_rule_file(std::string(SETIA_SOURCE_DIR) + "/config/rules/marikh-salatiga.yaml");
  ASSERT_TRUE(rs.has_value()) << rs.error()[0].to_string();
  const Reward* r = rs->reward("free-smoothie");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->title, "Gratis 1 Smoothies All Variant");
  EXPECT_EQ(r->cost, 100);
  EXPECT_TRUE(reward_available(*rs, *r, wib(2026, 11, 23)));
  EXPECT_TRUE(reward_available(*rs, *r, wib(2027, 8, 31, 23, 59)));
  EXPECT_FALSE(reward_available(*rs, *r, wib(2027, 9, 1)));
  EXPECT_TRUE(rs->birthday);
  EXPECT_TRUE(rs->reservations);
  EXPECT_FALSE(rs->promos.empty());
  EXPECT_EQ(rs->enota.header, std::vector<std::string>{"MARIKH SALATIGA"});
}

}  // namespace
}  // namespace setia::rules
