#include "adapters/qr/qr_matrix.h"

#include <cerrno>
#include <memory>

#include <qrencode.h>

namespace setia::adapters::qr {

std::string to_string(QrError e) {
  switch (e) {
    case QrError::bad_input: return "empty text or a NUL byte in it";
    case QrError::too_long: return "text too long for a QR code";
    case QrError::internal: return "QR encoder failed";
  }
  return "QR error";
}

std::expected<QrMatrix, QrError> encode(const std::string& text) {
  if (text.empty() || text.find('\0') != std::string::npos) return std::unexpected(QrError::bad_input);
  // 8-bit mode keeps every byte as given (UTF-8 URLs, mixed-case codes);
  // case-sensitive so that a member code is read back exactly.
  errno = 0;
  std::unique_ptr<QRcode, decltype(&QRcode_free)> code(QRcode_encodeString(text.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1),
                                                       &QRcode_free);
  if (!code) return std::unexpected(errno == ERANGE ? QrError::too_long : QrError::internal);
  QrMatrix m;
  m.width = code->width;
  m.dark.resize(static_cast<std::size_t>(m.width) * static_cast<std::size_t>(m.width));
  for (std::size_t i = 0; i < m.dark.size(); ++i) m.dark[i] = code->data[i] & 1;
  return m;
}

}  // namespace setia::adapters::qr
