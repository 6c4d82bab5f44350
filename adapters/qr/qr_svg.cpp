#include "adapters/qr/qr_svg.h"

namespace setia::adapters::qr {

std::string to_svg(const QrMatrix& m) {
  const int size = m.width + 2 * kQuietZone;
  const std::string n = std::to_string(size);
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + n + " " + n +
                    "\" shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"QR code\">"
                    "<rect width=\"" +
                    n + "\" height=\"" + n + "\" fill=\"#fff\"/><path fill=\"#000\" d=\"";
  // One rectangle per horizontal run of dark modules keeps the path about a
  // third the size of one square per module.
  for (int y = 0; y < m.width; ++y) {
    for (int x = 0; x < m.width;) {
      if (!m.at(x, y)) {
        ++x;
        continue;
      }
      int run = 1;
      while (x + run < m.width && m.at(x + run, y)) ++run;
      svg += "M" + std::to_string(x + kQuietZone) + " " + std::to_string(y + kQuietZone) + "h" + std::to_string(run) +
             "v1h-" + std::to_string(run) + "z";
      x += run;
    }
  }
  svg += "\"/></svg>";
  return svg;
}

std::expected<std::string, QrError> qr_svg(const std::string& text) {
  auto m = encode(text);  // (libstdc++ 12's expected has no transform())
  if (!m) return std::unexpected(m.error());
  return to_svg(*m);
}

}  // namespace setia::adapters::qr
