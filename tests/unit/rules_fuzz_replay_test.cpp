// The rule loader against hostile input. A libFuzzer target needs clang, and
// clang 14 (the one Debian 12 has) cannot compile libstdc++ 12's
// <expected>, which the loader's interface uses; so this test replays the
// seed corpus in tests/fuzz/rules_corpus/ and a fixed-seed mutation loop
// over it (docs/rules.md "Fuzzing" says more). Run it under the sanitizer
// build (SETIA_SANITIZE=ON) to catch memory errors, not only crashes.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

#include "rules/birthday.h"
#include "rules/evaluator.h"
#include "rules/expiry.h"
#include "rules/loader.h"
#include "rules/promos.h"
#include "rules/reservation_rules.h"
#include "rules/rewards.h"
#include "rules/voucher_terms.h"
#include "rules_test_support.h"

namespace setia::rules {
namespace {

namespace fs = std::filesystem;
using test::basket;
using test::line;
using test::wib;

const fs::path kCorpus = fs::path(SETIA_SOURCE_DIR) / "tests/fuzz/rules_corpus";

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Whatever the text, the loader returns: either positioned errors for this
// file, or a rule set whose pure functions all answer sanely.
bool check_rule_text(const std::string& text, const std::string& name) {
  auto rs = load_rule_text(text, name);
  if (!rs) {
    EXPECT_FALSE(rs.error().empty()) << name;
    for (const auto& e : rs.error()) {
      EXPECT_EQ(e.file, name);
      EXPECT_FALSE(e.message.empty()) << name;
      EXPECT_GE(e.line, 0) << name;
      EXPECT_GE(e.column, 0) << name;
    }
    return false;
  }
  EXPECT_FALSE(rs->store.empty()) << name;
  EXPECT_NE(rs->zone, nullptr) << name;
  const std::array sales = {
      basket(wib(2020, 5, 30, 15, 0), {line("smoothies", 2, 25000), line("rokok", 1, 30000)}),
      basket(wib(2020, 5, 27, 11, 11), {line("food", 4, 13000, "NC-01")}, 2000, 4000),
      basket(wib(2027, 12, 31, 23, 59), {}),
  };
  for (const auto& s : sales) {
    auto d = evaluate_points(*rs, s);
    EXPECT_GE(d.points, 0) << name;
    if (rs->points.max_per_sale) {
      EXPECT_LE(d.points, *rs->points.max_per_sale) << name;
    }
    if (auto expiry = expiry_instant(*rs, s.occurred_at_unix)) {
      EXPECT_GT(*expiry, s.occurred_at_unix) << name;
    }
    for (const auto& r : rs->rewards) {
      auto off = discount_for(r.voucher, s);
      EXPECT_GE(off, 0) << name;
      EXPECT_LE(off, s.subtotal) << name;
      (void)reward_available(*rs, r, s.occurred_at_unix);
    }
    for (const Promo* p : active_promos(*rs, s.occurred_at_unix)) EXPECT_LE(discount_for(p->voucher, s), s.subtotal);
  }
  if (rs->birthday) (void)birthday_message(*rs->birthday, "en", "Ocha");
  if (rs->reservations) (void)hours_on(*rs->reservations, {2020, 5, 24});
  return true;
}

std::map<std::string, std::string> corpus() {
  std::map<std::string, std::string> seeds;
  for (const auto& entry : fs::directory_iterator(kCorpus)) {
    if (entry.is_regular_file()) seeds[entry.path().filename().string()] = slurp(entry.path());
  }
  return seeds;
}

TEST(RulesFuzzReplay, EverySeedLoadsCleanlyOrFailsCleanly) {
  auto seeds = corpus();
  ASSERT_GE(seeds.size(), 20u);
  // The seeds that are whole, valid rule files; every other one is a
  // malicious or broken file that must be refused.
  const std::array valid = {"contract-example.yaml", "default.yaml", "every-effect.yaml", "marikh-salatiga.yaml",
                            "minimal.yaml"};
  for (const auto& [name, text] : seeds) {
    bool expect_valid = std::find(valid.begin(), valid.end(), name) != valid.end();
    EXPECT_EQ(check_rule_text(text, name), expect_valid) << name;
  }
}

TEST(RulesFuzzReplay, MaliciousSeedsAreRefusedForTheirReason) {
  auto seeds = corpus();
  auto first = [&](const std::string& name) {
    auto rs = load_rule_text(seeds.at(name), name);
    return rs ? std::string("loaded") : rs.error()[0].message;
  };
  EXPECT_EQ(first("alias-bomb.yaml"), "anchors and aliases are not allowed in rule files (write each value out)");
  EXPECT_EQ(first("anchor-merge.yaml"), "anchors and aliases are not allowed in rule files (write each value out)");
  EXPECT_EQ(first("deep-flow.yaml"), "lists and mappings are nested deeper than 32 levels");
  EXPECT_EQ(first("deep-block.yaml"), "lists and mappings are nested deeper than 32 levels");
  EXPECT_EQ(first("oversize-1MiB+1.yaml"), "file is larger than 1 MiB (1048576 bytes)");
  EXPECT_EQ(first("multi-document.yaml"), "a rule file holds one YAML document; remove this '---' and what follows");
  EXPECT_NE(first("huge-numbers.yaml").find("is too large"), std::string::npos);
  EXPECT_NE(first("bad-timezone.yaml").find("unknown time zone"), std::string::npos);
}

// A deterministic mutation loop: byte flips, truncations, insertions of
// random bytes and YAML tokens, chunk copies and splices of the seeds.
TEST(RulesFuzzReplay, TwentyThousandMutationsNeverCrash) {
  std::vector<std::string> seeds;
  for (auto& [name, text] : corpus()) {
    if (text.size() <= 64 * 1024) seeds.push_back(std::move(text));  // the 1 MiB seed only tests the size guard
  }
  static const std::array<std::string_view, 24> kTokens = {
      ":",     "- ",      "[",     "]",           "{",  "}",   "&a ", "*a", "\n  ",  "'",
      "\"",    "#",       "---\n", "!!str ",      "? ", "|\n", ">\n", "~",  "1e999", "99999999999999999999",
      "24:00", "mon-sun", "\t",    "\xef\xbb\xbf"};
  std::mt19937_64 rng(0x5e71a);  // fixed: a failure is reproducible
  auto pick = [&](std::size_t n) { return n == 0 ? std::size_t{0} : static_cast<std::size_t>(rng() % n); };
  int loaded = 0;
  for (int i = 0; i < 20'000; ++i) {
    std::string s = seeds[pick(seeds.size())];
    for (std::size_t m = 1 + pick(4); m > 0; --m) {
      std::size_t at = pick(s.size() + 1);
      switch (pick(6)) {
        case 0:
          if (!s.empty()) s[std::min(at, s.size() - 1)] ^= static_cast<char>(1u << pick(8));
          break;
        case 1: s.resize(at); break;
        case 2: s.insert(at, 1, static_cast<char>(rng())); break;
        case 3: s.insert(at, kTokens[pick(kTokens.size())]); break;
        case 4: {
          std::size_t from = pick(s.size() + 1), len = pick(64);
          s.insert(at, s.substr(from, len));
          break;
        }
        case 5: {
          const std::string& other = seeds[pick(seeds.size())];
          s = s.substr(0, at) + other.substr(pick(other.size() + 1));
          break;
        }
      }
    }
    if (check_rule_text(s, "mutant.yaml")) ++loaded;
    if (::testing::Test::HasFailure()) {
      ADD_FAILURE() << "mutation " << i << " broke an invariant; its text:\n" << s;
      break;
    }
  }
  // The mutants are mostly broken, but some must stay valid, or the loop
  // would only ever exercise the first error path.
  EXPECT_GT(loaded, 100);
}

}  // namespace
}  // namespace setia::rules
