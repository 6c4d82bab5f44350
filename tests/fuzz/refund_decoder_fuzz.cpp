// libFuzzer target: any bytes as a POS refund payload (and as a lookup), through the
// decoders, checking tests/fuzz/pos_invariants.h. Built by tests/fuzz/CMakeLists.txt
// with clang 16 and run by tests/fuzz/run.sh; docs/pos-contract.md "Fuzzing".
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "tests/fuzz/pos_invariants.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view payload(reinterpret_cast<const char*>(data), size);
  auto check = setia::core::fuzz::check_refund_payload(payload);
  if (!check.violation.empty()) {
    std::fprintf(stderr, "POS refund invariant broken: %s\n", check.violation.c_str());
    std::abort();  // libFuzzer saves the input as a crash-* file
  }
  return 0;
}
