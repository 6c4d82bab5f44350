// libFuzzer target: any bytes as a POS payload, through a decoder, checking
// tests/fuzz/pos_invariants.h. Built twice by tests/fuzz/CMakeLists.txt
// with clang 16: sale_decoder_fuzz (SETIA_POS_CHECK=check_sale_payload) and
// refund_decoder_fuzz (check_refund_payload: the refund and lookup
// decoders); run by tests/fuzz/run.sh; docs/fuzzing.md.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "tests/fuzz/pos_invariants.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view payload(reinterpret_cast<const char*>(data), size);
  auto check = setia::core::fuzz::SETIA_POS_CHECK(payload);
  if (!check.violation.empty()) {
    std::fprintf(stderr, "POS payload invariant broken: %s\n", check.violation.c_str());
    std::abort();  // libFuzzer saves the input as a crash-* file
  }
  return 0;
}
