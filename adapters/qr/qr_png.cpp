#include "adapters/qr/qr_png.h"

#include <algorithm>
#include <csetjmp>

#include <png.h>

namespace setia::adapters::qr {
namespace {

void append_to_vector(png_structp png, png_bytep data, png_size_t length) {
  auto* out = static_cast<std::vector<unsigned char>*>(png_get_io_ptr(png));
  try {
    out->insert(out->end(), data, data + length);
  } catch (...) {
    png_error(png, "out of memory");  // longjmps back to write_rows
  }
}

void flush_nothing(png_structp) {}

// libpng reports errors by longjmp: this frame and the ones libpng calls hold
// nothing with a destructor, so the jump skips no C++ cleanup. The caller
// owns every buffer.
bool write_rows(png_structp png, png_infop info, const QrMatrix& m, int scale, std::vector<unsigned char>* out,
                png_bytep row) {
  if (setjmp(png_jmpbuf(png))) return false;
  const int size = (m.width + 2 * kQuietZone) * scale;
  png_set_write_fn(png, out, append_to_vector, flush_nothing);
  png_set_IHDR(png, info, static_cast<png_uint_32>(size), static_cast<png_uint_32>(size), 8, PNG_COLOR_TYPE_GRAY,
               PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  for (int py = 0; py < size; ++py) {
    const int my = py / scale - kQuietZone;
    for (int px = 0; px < size; ++px) {
      const int mx = px / scale - kQuietZone;
      const bool dark = mx >= 0 && my >= 0 && mx < m.width && my < m.width && m.at(mx, my);
      row[px] = dark ? 0 : 255;
    }
    png_write_row(png, row);
  }
  png_write_end(png, nullptr);
  return true;
}

}  // namespace

std::expected<std::vector<unsigned char>, QrError> to_png(const QrMatrix& m, int scale) {
  scale = std::clamp(scale, 1, kMaxPngScale);
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  if (!png) return std::unexpected(QrError::internal);
  png_infop info = png_create_info_struct(png);
  if (!info) {
    png_destroy_write_struct(&png, nullptr);
    return std::unexpected(QrError::internal);
  }
  std::vector<unsigned char> out;
  std::vector<png_byte> row(static_cast<std::size_t>((m.width + 2 * kQuietZone) * scale));
  const bool ok = write_rows(png, info, m, scale, &out, row.data());
  png_destroy_write_struct(&png, &info);
  if (!ok) return std::unexpected(QrError::internal);
  return out;
}

std::expected<std::vector<unsigned char>, QrError> qr_png(const std::string& text, int scale) {
  auto m = encode(text);
  if (!m) return std::unexpected(m.error());
  return to_png(*m, scale);
}

}  // namespace setia::adapters::qr
