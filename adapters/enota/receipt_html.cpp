#include "adapters/enota/receipt_html.h"

#include "adapters/enota/receipt_labels.h"
#include "adapters/enota/rupiah.h"

namespace setia::adapters::enota {
namespace {

// Kept inline so the page is one request and renders offline from a saved
// copy; short enough that it costs nothing.
constexpr const char* kStyle = R"(
:root{color-scheme:light}
*{box-sizing:border-box}
body{margin:0;padding:12px;background:#eceef1;color:#1d2125;
font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:440px;margin:0 auto;padding:20px 18px;background:#fff;border-radius:12px;
box-shadow:0 1px 4px rgba(0,0,0,.12)}
header,footer{text-align:center}
h1{margin:0 0 2px;font-size:1.3rem;letter-spacing:.05em}
header p,footer p{margin:0;color:#5b6168}
dl{display:grid;grid-template-columns:auto 1fr;gap:2px 12px;margin:18px 0 12px;font-size:.95rem}
dt{color:#6b7178}
dd{margin:0;text-align:right;overflow-wrap:anywhere}
table{width:100%;border-collapse:collapse}
td,th{padding:3px 0;vertical-align:top}
.items td{padding:8px 0;border-top:1px dashed #c9cdd2}
.items .name{font-weight:600;overflow-wrap:anywhere}
.items .qty{color:#6b7178;font-size:.9rem}
.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums;padding-left:12px}
.totals{border-top:1px dashed #c9cdd2;margin-top:4px}
.totals tr:first-child th,.totals tr:first-child td{padding-top:10px}
.totals th{font-weight:400;text-align:left}
.totals .total th,.totals .total td{font-weight:700;font-size:1.15rem}
.points{display:flex;justify-content:space-between;gap:12px;margin:16px 0;padding:10px 12px;border-radius:8px;
background:#fff4dd}
.points b{font-size:1.1rem}
.qr{display:block;width:168px;margin:18px auto 4px}
.qr svg{display:block;width:100%;height:auto}
.scan{margin:0 0 12px;text-align:center;color:#6b7178;font-size:.85rem}
footer{margin-top:12px}
)";

void meta_row(std::string& h, const char* label, const std::string& value) {
  h += "<dt>";
  h += label;
  h += "</dt><dd>" + html_escape(value) + "</dd>\n";
}

void total_row(std::string& h, const char* label, domain::Money amount, const char* cls = nullptr) {
  h += cls ? std::string("<tr class=\"") + cls + "\">" : std::string("<tr>");
  h += "<th>" + html_escape(label) + "</th><td class=\"num\">" + html_escape(format_rupiah(amount)) + "</td></tr>\n";
}

}  // namespace

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string render_html(const domain::Receipt& r, const std::string& qr_svg) {
  const std::string shop = r.header.empty() ? std::string() : r.header.front();
  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"id\">\n<head>\n<meta charset=\"utf-8\">\n"
       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
       "<meta name=\"robots\" content=\"noindex, nofollow\">\n"
       "<meta name=\"referrer\" content=\"no-referrer\">\n";
  h += "<title>" + html_escape("E-nota " + (shop.empty() ? "" : shop + " ") + r.receipt_no) + "</title>\n";
  h += "<style>" + std::string(kStyle) + "</style>\n</head>\n<body>\n<main>\n<header>\n";
  for (std::size_t i = 0; i < r.header.size(); ++i)
    h += (i == 0 ? "<h1>" + html_escape(r.header[i]) + "</h1>\n" : "<p>" + html_escape(r.header[i]) + "</p>\n");
  h += "</header>\n<dl>\n";
  meta_row(h, labels::kReceiptNo, r.receipt_no);
  meta_row(h, labels::kTime, r.local_time);
  if (r.table) meta_row(h, labels::kTable, *r.table);
  if (r.service) meta_row(h, labels::kService, labels::service_name(*r.service));
  if (r.customer) meta_row(h, labels::kCustomer, *r.customer);
  if (r.cashier) meta_row(h, labels::kCashier, *r.cashier);
  h += "</dl>\n<table class=\"items\">\n";
  for (const auto& line : r.lines) {
    h += "<tr><td><div class=\"name\">" + html_escape(line.name) + "</div><div class=\"qty\">" +
         std::to_string(line.qty) + " &times; " + html_escape(format_rupiah(line.unit_price)) +
         "</div></td><td class=\"num\">" + html_escape(format_rupiah(line.amount)) + "</td></tr>\n";
  }
  h += "</table>\n<table class=\"totals\">\n";
  if (r.discount != 0 || r.service_charge != 0 || r.tax != 0) total_row(h, labels::kSubtotal, r.subtotal);
  if (r.discount != 0) total_row(h, labels::kDiscount, -r.discount);
  if (r.service_charge != 0) total_row(h, labels::kServiceCharge, r.service_charge);
  if (r.tax != 0) total_row(h, labels::kTax, r.tax);
  total_row(h, labels::kTotal, r.total, "total");
  if (r.paid) {
    std::string label = labels::kPaid;
    if (r.payment_method) label += " (" + labels::payment_name(*r.payment_method) + ")";
    total_row(h, label.c_str(), *r.paid);
  }
  if (r.change) total_row(h, labels::kChange, *r.change);
  h += "</table>\n";
  if (r.points_earned || r.points_balance) {
    h += "<div class=\"points\">";
    if (r.points_earned)
      h += "<span>" + std::string(labels::kPointsEarned) + " <b>" + labels::points_delta(*r.points_earned) +
           "</b></span>";
    if (r.points_balance)
      h +=
          "<span>" + std::string(labels::kPointsBalance) + " <b>" + format_thousands(*r.points_balance) + "</b></span>";
    h += "</div>\n";
  }
  if (!qr_svg.empty()) {
    // Only a web link: the url is Setia's own, but a javascript: one must
    // never become clickable whatever put it there.
    if (r.url.starts_with("https://") || r.url.starts_with("http://")) {
      h += "<a class=\"qr\" href=\"" + html_escape(r.url) + "\">" + qr_svg + "</a>\n";
      h += "<p class=\"scan\">Pindai untuk membuka e-nota ini</p>\n";
    } else {
      h += "<div class=\"qr\">" + qr_svg + "</div>\n";
    }
  }
  if (!r.footer.empty()) {
    h += "<footer>\n";
    for (const auto& f : r.footer) h += "<p>" + html_escape(f) + "</p>\n";
    h += "</footer>\n";
  }
  h += "</main>\n</body>\n</html>\n";
  return h;
}

}  // namespace setia::adapters::enota
