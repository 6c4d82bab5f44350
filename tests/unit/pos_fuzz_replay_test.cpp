// The POS decoders against hostile input, in every unit test run: replays
// the seed corpora tests/fuzz/sale_corpus/ and refund_corpus/ (every input
// the fuzzer ever broke a decoder with is kept there) and a fixed-seed
// mutation loop over them. The libFuzzer targets
// (sale_decoder_fuzz and refund_decoder_fuzz, tests/fuzz/pos_decoder_fuzz.cpp) explore
// further; both check the same invariants, tests/fuzz/pos_invariants.h.
#include <gtest/gtest.h>

#include <array>
#include <filesystem>
#include <random>

#include "tests/fuzz/pos_invariants.h"
#include "tests/fuzz/replay.h"

namespace setia::core {
namespace {

namespace fs = std::filesystem;
using fuzz::check_refund_payload;
using fuzz::check_sale_payload;

const fs::path kFuzzDir = fs::path(SETIA_SOURCE_DIR) / "tests/fuzz";

// The examples of docs/examples/ are taken, their invalid/ siblings and the
// edge cases refused, except the edges the contract allows: a leap second
// (RFC 3339 has them) and the year 9999 (occurred_at has no upper bound).
TEST(PosFuzzReplay, EverySaleSeedIsTakenOrRefusedAsItsNameSays) {
  auto seeds = setia::fuzz::read_corpus(kFuzzDir / "sale_corpus");
  ASSERT_GE(seeds.size(), 25u);
  for (const auto& [name, text] : seeds) {
    auto check = check_sale_payload(text);
    EXPECT_EQ(check.violation, "") << name;
    bool valid = name.starts_with("example-") || name == "edge-leap-second.json" || name == "edge-far-future.json";
    EXPECT_EQ(check.accepted, valid) << name;
  }
}

TEST(PosFuzzReplay, EveryRefundAndLookupSeedIsTakenOrRefusedAsItsNameSays) {
  auto seeds = setia::fuzz::read_corpus(kFuzzDir / "refund_corpus");
  ASSERT_GE(seeds.size(), 8u);
  for (const auto& [name, text] : seeds) {
    auto check = check_refund_payload(text);
    EXPECT_EQ(check.violation, "") << name;
    EXPECT_EQ(check.accepted, name.starts_with("example-")) << name;
  }
}

template <class Check>
void mutate_and_check(const std::string& corpus, Check check, int* accepted) {
  std::vector<std::string> seeds;
  for (auto& [name, text] : setia::fuzz::read_corpus(kFuzzDir / corpus)) seeds.push_back(std::move(text));
  static const std::array<std::string_view, 20> kTokens = {
      "{",         "}",           "[",          "]",
      ":",         ",",           "\"",         "null",
      "-1",        "0",           "1e309",      "9223372036854775807",
      "\\u0000",   "\"qty\":",    "\"total\":", "\"items\":[]",
      "\"paid\":", "\"change\":", "+07:00",     "\xc3\x28"};
  std::mt19937_64 rng(0x5e71b);  // fixed: a failure is reproducible
  for (int i = 0; i < 20'000; ++i) {
    std::string s = setia::fuzz::mutate(seeds, kTokens, rng);
    auto c = check(s);
    if (!c.violation.empty()) {
      ADD_FAILURE() << corpus << " mutation " << i << " broke an invariant: " << c.violation << "\nits text:\n" << s;
      return;
    }
    if (c.accepted) ++*accepted;
  }
}

// Most mutants are refused, but some must be taken, or the loop would
// only ever exercise the first refusal.
TEST(PosFuzzReplay, TwentyThousandSaleMutationsNeverBreakAnInvariant) {
  int accepted = 0;
  mutate_and_check("sale_corpus", check_sale_payload, &accepted);
  EXPECT_GT(accepted, 100);
}

TEST(PosFuzzReplay, TwentyThousandRefundMutationsNeverBreakAnInvariant) {
  int accepted = 0;
  mutate_and_check("refund_corpus", check_refund_payload, &accepted);
  EXPECT_GT(accepted, 100);
}

}  // namespace
}  // namespace setia::core
