#pragma once

#include <string>
#include <string_view>

#include "core/domain/receipt.h"

namespace setia::adapters::enota {

// & < > " ' as entities: safe in element text and in quoted attributes.
std::string html_escape(std::string_view s);

// The receipt as a complete, small HTML5 page for a phone: viewport meta,
// inline CSS, no scripts, no external resources, noindex (a receipt is
// private). Every field is escaped. `qr_svg` is inlined as is: it must be
// trusted markup (adapters/qr's qr_svg of the receipt's url); it links to
// `receipt.url` so a scan or a tap opens the page again. Empty: no QR.
std::string render_html(const domain::Receipt& receipt, const std::string& qr_svg);

}  // namespace setia::adapters::enota
