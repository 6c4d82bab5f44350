#pragma once

#include <expected>
#include <string>

#include "adapters/qr/qr_matrix.h"

namespace setia::adapters::qr {

// A QR code as a standalone SVG element, for inlining in HTML: a white
// background (so it scans on a dark page too), one <path> for the dark
// modules, a 4-module quiet zone, a viewBox in modules and crispEdges. It
// has no width or height: the page sizes it with CSS.
std::expected<std::string, QrError> qr_svg(const std::string& text);

// The same for a matrix already encoded.
std::string to_svg(const QrMatrix& m);

}  // namespace setia::adapters::qr
