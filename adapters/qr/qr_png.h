#pragma once

#include <expected>
#include <string>
#include <vector>

#include "adapters/qr/qr_matrix.h"

namespace setia::adapters::qr {

// Largest pixels-per-module accepted: a version-40 symbol at 64 is 11,648 px
// square, already more than any screen or printer needs.
inline constexpr int kMaxPngScale = 64;

// A QR code as an 8-bit grayscale PNG, `scale` pixels per module (1..64),
// with the 4-module quiet zone. For places that cannot show SVG (mail
// clients, a thermal printer's raster mode).
std::expected<std::vector<unsigned char>, QrError> qr_png(const std::string& text, int scale);

// The same for a matrix already encoded; scale is clamped to 1..kMaxPngScale.
std::expected<std::vector<unsigned char>, QrError> to_png(const QrMatrix& m, int scale);

}  // namespace setia::adapters::qr
