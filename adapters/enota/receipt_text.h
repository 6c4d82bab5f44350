#pragma once

#include <string>

#include "core/domain/receipt.h"

namespace setia::adapters::enota {

// Characters per line of the common thermal printers (Font A).
inline constexpr int k58mmColumns = 32;
inline constexpr int k80mmColumns = 48;

// The receipt as plain text, `width` columns per line (clamped to 24..160),
// every line ending in '\n' and without trailing spaces: centred header,
// receipt details, items ("name" then "qty x price ... amount"), the
// adjustments that are not zero, TOTAL, payment, the member's points, the
// centred footer. Control characters in any field are printed as spaces so
// that nothing from the POS can send commands to the printer.
std::string render_text(const domain::Receipt& receipt, int width);

}  // namespace setia::adapters::enota
