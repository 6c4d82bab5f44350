#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace setia::rules {

// A stable content hash (64-bit FNV-1a, hex) naming a rule-set version. Not
// cryptographic: it tells versions apart, it does not authenticate them.
inline std::string version_hash(std::string_view data) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : data) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace setia::rules
