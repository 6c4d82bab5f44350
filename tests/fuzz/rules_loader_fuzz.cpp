// libFuzzer target: any bytes as a rule file, through rules::load_rule_text
// and, when they load, the pure functions over the rule set
// (tests/fuzz/rule_invariants.h). Built by tests/fuzz/CMakeLists.txt with
// clang 16 and run by tests/fuzz/run.sh; docs/rules.md "Fuzzing".
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <expected>
#include <string>
#include <type_traits>

#include "tests/fuzz/rule_invariants.h"

// libstdc++ 12 declares std::expected only when __cpp_concepts >= 202002L.
// clang 16 implements what <expected> needs from that revision (P0848,
// conditionally trivial special members) but still reports 201907L, so the
// build defines the macro as 202002L (tests/fuzz/CMakeLists.txt). These
// fail to compile if a compiler takes the define without the feature: the
// trivial destructor must follow the value and error types.
static_assert(std::is_trivially_destructible_v<std::expected<int, int>>);
static_assert(!std::is_trivially_destructible_v<std::expected<std::string, int>>);
static_assert(std::is_trivially_copy_constructible_v<std::expected<int, int>>);
static_assert(!std::is_trivially_copy_constructible_v<std::expected<std::string, int>>);

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto check = setia::rules::fuzz::check_rule_text(text, "fuzz.yaml");
  if (!check.violation.empty()) {
    std::fprintf(stderr, "rule invariant broken: %s\n", check.violation.c_str());
    std::abort();  // libFuzzer saves the input as a crash-* file
  }
  return 0;
}
