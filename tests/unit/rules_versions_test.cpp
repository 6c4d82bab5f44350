// Rule versions in the rules library: loader errors named by their field
// (rules/field_path.h), stored versions taking the place of a store's file
// in the registry, and what a point is worth (rules::point_value).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "rules/field_path.h"
#include "rules/loader.h"
#include "rules/registry.h"
#include "rules/rewards.h"
#include "rules_test_support.h"

namespace setia::rules {
namespace {

using test::kHead;

std::vector<FieldError> errors_of(const std::string& yaml) {
  auto rs = load_rule_text(yaml, "t.yaml");
  EXPECT_FALSE(rs.has_value()) << yaml;
  return rs ? std::vector<FieldError>{} : field_errors(yaml, rs.error());
}

bool has_field(const std::vector<FieldError>& errors, const std::string& field) {
  for (const auto& e : errors) {
    if (e.field == field) return true;
  }
  return false;
}

std::string fields(const std::vector<FieldError>& errors) {
  std::string out;
  for (const auto& e : errors) out += e.field + ": " + e.message + "\n";
  return out;
}

constexpr const char* kPromo =
    "promos:\n"
    "  - id: satu\n    title: Satu\n    from: 2026-01-01\n    until: 2026-12-31\n"
    "    voucher: {amount_off: 5000}\n";

TEST(RuleFieldPaths, NameTheFieldOfEachError) {
  auto e = errors_of(std::string(kHead) + kPromo +
                     "  - id: dua\n    title: Dua\n    from: 2026-01-01\n    until: 2026-02-30\n"
                     "    voucher: {amount_off: 5000}\n"
                     "rewards:\n  - id: r\n    title: R\n    cost: banyak\n    voucher: {percent_off: 10}\n");
  EXPECT_TRUE(has_field(e, "promos[1].until")) << fields(e);
  EXPECT_TRUE(has_field(e, "rewards[0].cost")) << fields(e);
  for (const auto& f : e) EXPECT_GT(f.line, 0);
}

TEST(RuleFieldPaths, AMissingKeyNamesItsMappingAndNestedValuesTheirPath) {
  auto e = errors_of(std::string(kHead) + "promos:\n  - id: satu\n    title: Satu\n    from: 2026-01-01\n" +
                     "birthday:\n  voucher: {percent_off: 500}\n");
  EXPECT_TRUE(has_field(e, "promos[0]")) << fields(e);
  EXPECT_TRUE(has_field(e, "birthday.voucher.percent_off")) << fields(e);
}

TEST(RuleFieldPaths, ASyntaxErrorNamesWhereTheParserStopped) {
  auto e = errors_of(std::string(kHead) + "points: [\n");
  ASSERT_FALSE(e.empty());
  EXPECT_GT(e[0].line, 0);
}

TEST(PointValue, IsTheBestAmountOffPerPoint) {
  auto rs = test::load(std::string(kHead) +
                       "rewards:\n"
                       "  - {id: a, title: A, cost: 100, voucher: {amount_off: 10000}}\n"
                       "  - {id: b, title: B, cost: 300, voucher: {amount_off: 45000}}\n"
                       "  - {id: c, title: C, cost: 1, voucher: {percent_off: 50}}\n");
  auto v = point_value(rs);
  EXPECT_EQ(v.reward, "b");
  EXPECT_EQ(v.amount, 45000);
  EXPECT_EQ(v.cost, 300);
  EXPECT_EQ(liability(v, 7), 1050);  // floor(7 * 45000 / 300)
  EXPECT_EQ(liability(point_value(test::load(kHead)), 1000), 0) << "no amount_off reward: no price";
}

class StoredRulesRegistry : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("setia-stored-" + std::to_string(::getpid()) + "-" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    std::ofstream(dir_ / "toko.yaml") << "version: 1\nstore: toko\ntimezone: Asia/Jakarta\n"
                                         "points:\n  earn:\n    - {name: base, per_amount: 1000, points: 1}\n";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static std::string text(int per_amount) {
    return "version: 1\nstore: toko\ntimezone: Asia/Jakarta\npoints:\n  earn:\n    - {name: base, per_amount: " +
           std::to_string(per_amount) + ", points: 1}\n";
  }

  std::filesystem::path dir_;
};

TEST_F(StoredRulesRegistry, AStoredVersionTakesThePlaceOfTheFileAndStaysWhenTheSourceFails) {
  Registry registry(dir_.string());
  std::expected<std::vector<StoredRules>, std::string> answer = std::vector<StoredRules>{};
  const RuleBook* seen = nullptr;
  registry.set_stored_versions([&](const RuleBook& files) {
    seen = &files;
    return answer;
  });
  auto book = registry.reload();
  ASSERT_TRUE(book);
  ASSERT_NE(seen, nullptr);
  const auto file_version = (*book)->version;
  EXPECT_NE((*book)->for_store("toko")->source.find("per_amount: 1000,"), std::string::npos);
  EXPECT_EQ((*book)->for_store("toko")->stored_version, 0);

  answer = std::vector<StoredRules>{{"toko", 4, text(500), 1700000000}};
  book = registry.reload();
  ASSERT_TRUE(book);
  const auto* rs = (*book)->for_store("toko");
  EXPECT_EQ(rs->stored_version, 4);
  EXPECT_NE(rs->source.find("per_amount: 500,"), std::string::npos);
  EXPECT_EQ(rs->file, "rule_versions/toko@v4");
  EXPECT_NE((*book)->version, file_version);

  // The database does not answer: version 4 stays, and the status says why.
  answer = std::unexpected(std::string("connection refused"));
  book = registry.reload();
  ASSERT_TRUE(book);
  EXPECT_EQ((*book)->for_store("toko")->stored_version, 4);
  ASSERT_TRUE(registry.status().last_error);
  EXPECT_NE(registry.status().last_error->back().message.find("connection refused"), std::string::npos);

  // A stored text the loader refuses keeps version 4 and is reported.
  answer = std::vector<StoredRules>{{"toko", 5, "version: 1\nstore: toko\n", 1700000100}};
  book = registry.reload();
  ASSERT_TRUE(book);
  EXPECT_EQ((*book)->for_store("toko")->stored_version, 4);
  EXPECT_TRUE((*book)->broken.contains("toko"));

  // A store with no file of its own may be ruled by a version alone.
  answer = std::vector<StoredRules>{{"toko", 6, text(250), 1700000200},
                                    {"lain", 1, "version: 1\nstore: lain\ntimezone: Asia/Jakarta\n", 1700000300}};
  book = registry.reload();
  ASSERT_TRUE(book);
  EXPECT_NE((*book)->for_store("toko")->source.find("per_amount: 250,"), std::string::npos);
  ASSERT_NE((*book)->for_store("lain"), nullptr);
  EXPECT_EQ((*book)->for_store("lain")->stored_version, 1);
}

}  // namespace
}  // namespace setia::rules
