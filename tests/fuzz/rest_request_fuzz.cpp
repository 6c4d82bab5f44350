// libFuzzer target: any bytes as what a client sends the REST API on one
// connection, parsed by Beast with the server's limits and answered by
// RestApi::handle over in-memory fakes (tests/fuzz/rest_rig.h), checking
// tests/fuzz/rest_invariants.h. Built by tests/fuzz/CMakeLists.txt with
// clang 16, run by tests/fuzz/run.sh; docs/fuzzing.md.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "tests/fuzz/rest_invariants.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto check = setia::adapters::rest::fuzz::check_rest_input(bytes);
  if (!check.violation.empty()) {
    std::fprintf(stderr, "REST invariant broken: %s\n", check.violation.c_str());
    std::abort();  // libFuzzer saves the input as a crash-* file
  }
  return 0;
}
