#include "adapters/enota/rupiah.h"

#include <cstdint>

namespace setia::adapters::enota {
namespace {

// The magnitude as unsigned, so that INT64_MIN does not overflow on negation.
std::string group_digits(std::uint64_t v) {
  std::string digits = std::to_string(v);
  std::string out;
  out.reserve(digits.size() + digits.size() / 3);
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += '.';
    out += digits[i];
  }
  return out;
}

std::uint64_t magnitude(domain::Money amount) {
  return amount < 0 ? 0 - static_cast<std::uint64_t>(amount) : static_cast<std::uint64_t>(amount);
}

}  // namespace

std::string format_thousands(domain::Money amount) { return (amount < 0 ? "-" : "") + group_digits(magnitude(amount)); }

std::string format_rupiah(domain::Money amount) {
  return (amount < 0 ? "-Rp " : "Rp ") + group_digits(magnitude(amount));
}

}  // namespace setia::adapters::enota
