#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <vector>

namespace setia::adapters::qr {

enum class QrError {
  bad_input,    // empty, or holds a NUL byte (libqrencode takes C strings)
  too_long,     // more than a version-40 symbol holds at level M (~2,300 bytes)
  internal,     // libqrencode ran out of memory or failed otherwise
};
std::string to_string(QrError e);

// The modules of one QR symbol (error correction level M, byte mode, the
// smallest version that fits), without the quiet zone.
struct QrMatrix {
  int width = 0;                    // modules per side
  std::vector<std::uint8_t> dark;   // width*width, row-major, 1 = dark

  bool at(int x, int y) const {
    return dark[static_cast<std::size_t>(y) * static_cast<std::size_t>(width) + static_cast<std::size_t>(x)] != 0;
  }
};

// The quiet zone every renderer adds around the symbol, in modules (ISO/IEC
// 18004 asks for 4; scanners fail often with less).
inline constexpr int kQuietZone = 4;

std::expected<QrMatrix, QrError> encode(const std::string& text);

}  // namespace setia::adapters::qr
