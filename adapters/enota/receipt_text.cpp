#include "adapters/enota/receipt_text.h"

#include <algorithm>

#include "adapters/enota/receipt_labels.h"
#include "adapters/enota/rupiah.h"
#include "adapters/enota/text_layout.h"

namespace setia::adapters::enota {
namespace {

// Builds the text line by line at one width.
class Sheet {
 public:
  explicit Sheet(std::size_t width) : width_(width) {}

  void lines(const std::vector<std::string>& ls) {
    for (const auto& l : ls) add(l);
  }
  void rule() { add(std::string(width_, '-')); }
  void centred(const std::string& s) { lines(text::centred(text::printable(s), width_)); }
  void row(const std::string& left, const std::string& right) {
    lines(text::two_columns(text::printable(left), text::printable(right), width_));
  }
  void wrapped(const std::string& s) { lines(text::wrap(text::printable(s), width_)); }
  std::string str() && { return std::move(out_); }

 private:
  void add(std::string l) {
    while (!l.empty() && l.back() == ' ') l.pop_back();
    out_ += l;
    out_ += '\n';
  }
  std::size_t width_;
  std::string out_;
};

}  // namespace

std::string render_text(const domain::Receipt& r, int width) {
  Sheet s(static_cast<std::size_t>(std::clamp(width, 24, 160)));
  for (const auto& h : r.header) s.centred(h);
  s.rule();
  s.row(labels::kReceiptNo, r.receipt_no);
  s.row(labels::kTime, r.local_time);
  if (r.table) s.row(labels::kTable, *r.table);
  if (r.service) s.row(labels::kService, labels::service_name(*r.service));
  if (r.customer) s.row(labels::kCustomer, *r.customer);
  if (r.cashier) s.row(labels::kCashier, *r.cashier);
  s.rule();
  for (const auto& line : r.lines) {
    s.wrapped(line.name);
    s.row("  " + std::to_string(line.qty) + " x " + format_thousands(line.unit_price), format_thousands(line.amount));
  }
  s.rule();
  // Subtotal only when something changes it: otherwise it repeats TOTAL.
  if (r.discount != 0 || r.service_charge != 0 || r.tax != 0) s.row(labels::kSubtotal, format_rupiah(r.subtotal));
  if (r.discount != 0) s.row(labels::kDiscount, format_rupiah(-r.discount));
  if (r.service_charge != 0) s.row(labels::kServiceCharge, format_rupiah(r.service_charge));
  if (r.tax != 0) s.row(labels::kTax, format_rupiah(r.tax));
  s.row(labels::kTotal, format_rupiah(r.total));
  if (r.paid) {
    std::string label = labels::kPaid;
    if (r.payment_method) label += " (" + labels::payment_name(*r.payment_method) + ")";
    s.row(label, format_rupiah(*r.paid));
  }
  if (r.change) s.row(labels::kChange, format_rupiah(*r.change));
  if (r.points_earned || r.points_balance) {
    s.rule();
    if (r.points_earned) s.row(labels::kPointsEarned, labels::points_delta(*r.points_earned));
    if (r.points_balance) s.row(labels::kPointsBalance, format_thousands(*r.points_balance));
  }
  if (!r.footer.empty()) {
    s.rule();
    for (const auto& f : r.footer) s.centred(f);
  }
  return std::move(s).str();
}

}  // namespace setia::adapters::enota
