// The rule book: a directory of rule files, one per store, each store's
// file standing alone on reload, and the files the project ships.
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

// load_rule_dir, for setiactl's simulate and backtest and rules check FILE...: all or
// nothing (setiad loads store by store: below).
TEST_F(RuleDir, TheStrictLoaderRefusesTheWholeBookOnOneError) {
  write("default.yaml", "version: 1\nstore: \"*\"\ntimezone: Asia/Jayapura\n");
  write("marikh.yaml", std::string(kHead) + "points:\n  earn:\n    - {name: base, per_amount: 0}\n");
  auto book = load_rule_dir(dir_.string());
  ASSERT_FALSE(book);
  EXPECT_EQ(book.error()[0].file, (dir_ / "marikh.yaml").string());
  EXPECT_EQ(book.error()[0].line, 6);
}

TEST_F(RuleDir, ReloadKeepsABrokenStoresRulesAndTakesTheOthers) {
  auto earn = [](int per_amount) {
    return "points:\n  earn:\n    - {name: base, per_amount: " + std::to_string(per_amount) + "}\n";
  };
  auto other = std::string(kHead);
  other.replace(other.find("marikh-salatiga"), 15, "other-shop");
  write("marikh.yaml", std::string(kHead) + earn(1000));
  write("other.yaml", other + earn(1000));
  Registry reg(dir_.string());
  ASSERT_TRUE(reg.reload());
  auto before = reg.current();
  EXPECT_TRUE(before->broken.empty());
  auto rate = [&](std::string_view store) {
    return std::get<RateEffect>(reg.current()->for_store(store)->points.earn[0].effect).per_amount;
  };
  write("marikh.yaml", std::string(kHead) + earn(0));  // broken
  write("other.yaml", other + earn(500));
  ASSERT_TRUE(reg.reload());
  EXPECT_EQ(rate("marikh-salatiga"), 1000);  // kept
  EXPECT_EQ(rate("other-shop"), 500);        // changed
  EXPECT_NE(reg.current()->version, before->version);
  ASSERT_EQ(reg.current()->broken.size(), 1u);
  EXPECT_EQ(reg.current()->broken.begin()->first, "marikh-salatiga");
  EXPECT_FALSE(reg.current()->unavailable("marikh-salatiga"));
  ASSERT_TRUE(reg.status().last_error);
  EXPECT_EQ((*reg.status().last_error)[0].file, (dir_ / "marikh.yaml").string());
  // Even a file YAML cannot parse names its store; and the kept rules'
  // text still makes the version (unchanged files, unchanged version).
  auto kept_version = reg.current()->version;
  write("marikh.yaml", "store: marikh-salatiga\npoints: [unclosed\n");
  ASSERT_TRUE(reg.reload());
  EXPECT_EQ(rate("marikh-salatiga"), 1000);
  EXPECT_EQ(reg.current()->version, kept_version);
  // Fixed: taken, errors cleared.
  write("marikh.yaml", std::string(kHead) + earn(250));
  ASSERT_TRUE(reg.reload());
  EXPECT_EQ(rate("marikh-salatiga"), 250);
  EXPECT_TRUE(reg.current()->broken.empty());
  EXPECT_FALSE(reg.status().last_error);
}

TEST_F(RuleDir, AtStartABrokenStoreHasNoRulesNotTheDefaults) {
  write("default.yaml", "version: 1\nstore: \"*\"\ntimezone: Asia/Jayapura\n");
  write("marikh.yaml", std::string(kHead) + "points:\n  earn:\n    - {name: base, per_amount: 0}\n");
  Registry reg(dir_.string());
  ASSERT_TRUE(reg.reload());
  auto book = reg.current();
  EXPECT_EQ(book->for_store("marikh-salatiga"), nullptr);
  EXPECT_TRUE(book->unavailable("marikh-salatiga"));
  ASSERT_NE(book->for_store("other-shop"), nullptr);
  EXPECT_EQ(book->for_store("other-shop")->timezone, "Asia/Jayapura");
  EXPECT_FALSE(book->unavailable("other-shop"));
  // A broken default at start: every store without a file of its own has none.
  write("default.yaml", "version: 1\nstore: \"*\"\ntimezone: Nowhere/City\n");
  write("marikh.yaml", std::string(kHead));
  Registry fresh(dir_.string());
  ASSERT_TRUE(fresh.reload());
  EXPECT_TRUE(fresh.current()->unavailable("other-shop"));
  EXPECT_FALSE(fresh.current()->unavailable("marikh-salatiga"));
  EXPECT_EQ(broken_stores_text(*fresh.current()), "* (unavailable)");
}

TEST_F(RuleDir, TwoFilesForOneStoreOrAFileOfNoStoreChangeNothingElse) {
  write("default.yaml", "version: 1\nstore: \"*\"\ntimezone: Asia/Jayapura\n");
  write("a.yaml", kHead);
  Registry reg(dir_.string());
  ASSERT_TRUE(reg.reload());
  write("b.yaml", std::string(kHead) + "# a copy\n");
  write("c.yaml", "{{{ not yaml, no store\n");
  ASSERT_TRUE(reg.reload());
  auto book = reg.current();
  ASSERT_EQ(book->broken.count("marikh-salatiga"), 1u);
  EXPECT_NE(book->broken.at("marikh-salatiga")[0].message.find("has 2 rule files"), std::string::npos);
  EXPECT_EQ(book->for_store("marikh-salatiga")->file, (dir_ / "a.yaml").string());  // kept
  EXPECT_EQ(book->unattributed.size(), 1u);
  EXPECT_EQ(book->unattributed[0].file, (dir_ / "c.yaml").string());
  EXPECT_FALSE(book->unavailable("other-shop"));
}

TEST(DeclaredStore, ReadsTheTopLevelStoreLineOnly) {
  EXPECT_EQ(declared_store("version: 1\nstore: marikh-salatiga\n"), "marikh-salatiga");
  EXPECT_EQ(declared_store("store: \"*\"  # the default\n"), "*");
  EXPECT_EQ(declared_store("store: 'kopi-senja'\r\n[broken"), "kopi-senja");
  EXPECT_EQ(declared_store("  store: nested\n"), std::nullopt);
  EXPECT_EQ(declared_store("store: Not_A_Store\n"), std::nullopt);
  EXPECT_EQ(declared_store("store: a\nstore: b\n"), std::nullopt);
  EXPECT_EQ(declared_store("no store here"), std::nullopt);
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
