#pragma once

#include <string>

#include "core/domain/money.h"

namespace setia::adapters::enota {

// "52.000": dots between thousands, the Indonesian way; "-5.000" below zero.
std::string format_thousands(domain::Money amount);

// "Rp 52.000", "-Rp 5.000", "Rp 0".
std::string format_rupiah(domain::Money amount);

}  // namespace setia::adapters::enota
