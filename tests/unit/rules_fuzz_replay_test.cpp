// The rule loader against hostile input, in every unit test run: replays
// the seed corpus in tests/fuzz/rules_corpus/ (every input the fuzzer ever
// broke the loader with is kept there) and a fixed-seed mutation loop over
// it. The libFuzzer target (tests/fuzz/rules_loader_fuzz.cpp, run by
// tests/fuzz/run.sh with clang 16) explores further; both check the same
// invariants, tests/fuzz/rule_invariants.h. docs/rules.md "Fuzzing" says
// more. Run it under the sanitizer build (SETIA_SANITIZE=ON) to catch memory
// errors, not only crashes.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <map>
#include <random>

#include "rules/loader.h"
#include "tests/fuzz/replay.h"
#include "tests/fuzz/rule_invariants.h"

namespace setia::rules {
namespace {

namespace fs = std::filesystem;
using fuzz::check_rule_text;

const fs::path kCorpus = fs::path(SETIA_SOURCE_DIR) / "tests/fuzz/rules_corpus";

std::map<std::string, std::string> corpus() { return setia::fuzz::read_corpus(kCorpus); }

TEST(RulesFuzzReplay, EverySeedLoadsCleanlyOrFailsCleanly) {
  auto seeds = corpus();
  ASSERT_GE(seeds.size(), 20u);
  // The seeds that are whole, valid rule files; every other one is a
  // malicious or broken file that must be refused.
  const std::array valid = {"contract-example.yaml", "default.yaml", "every-effect.yaml",
                            "marikh-salatiga.yaml",  "minimal.yaml", "pushes.yaml"};
  for (const auto& [name, text] : seeds) {
    bool expect_valid = std::find(valid.begin(), valid.end(), name) != valid.end();
    auto check = check_rule_text(text, name);
    EXPECT_EQ(check.violation, "");
    EXPECT_EQ(check.loaded, expect_valid) << name;
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

// A deterministic mutation loop (tests/fuzz/replay.h) with YAML tokens.
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
  int loaded = 0;
  for (int i = 0; i < 20'000; ++i) {
    std::string s = setia::fuzz::mutate(seeds, kTokens, rng);
    auto check = check_rule_text(s, "mutant.yaml");
    if (!check.violation.empty()) {
      ADD_FAILURE() << "mutation " << i << " broke an invariant: " << check.violation << "\nits text:\n" << s;
      break;
    }
    if (check.loaded) ++loaded;
  }
  // The mutants are mostly broken, but some must stay valid, or the loop
  // would only ever exercise the first error path.
  EXPECT_GT(loaded, 100);
}

}  // namespace
}  // namespace setia::rules
