#pragma once

#include <string>

#include "adapters/enota/rupiah.h"
#include "core/domain/money.h"

namespace setia::adapters::enota::labels {

// The words an e-nota prints, shared by the text and the HTML rendering so
// that paper and phone say the same thing. Indonesian, as the customers
// read them; "Dine In" / "Take Away" are what Indonesian cafés print.
inline constexpr const char* kReceiptNo = "No. Nota";
inline constexpr const char* kTime = "Waktu";
inline constexpr const char* kTable = "Meja";
inline constexpr const char* kService = "Layanan";
inline constexpr const char* kCustomer = "Pelanggan";
inline constexpr const char* kCashier = "Kasir";
inline constexpr const char* kSubtotal = "Subtotal";
inline constexpr const char* kDiscount = "Diskon";
inline constexpr const char* kServiceCharge = "Service";
inline constexpr const char* kTax = "Pajak";
inline constexpr const char* kTotal = "TOTAL";
inline constexpr const char* kPaid = "Bayar";
inline constexpr const char* kChange = "Kembali";
inline constexpr const char* kPointsEarned = "Poin didapat";
inline constexpr const char* kPointsBalance = "Saldo poin";

// dine_in -> "Dine In"; an unknown value is shown as sent.
inline std::string service_name(const std::string& service) {
  if (service == "dine_in") return "Dine In";
  if (service == "take_away") return "Take Away";
  if (service == "delivery") return "Delivery";
  return service;
}

// cash -> "Tunai"; an unknown method is shown as sent.
inline std::string payment_name(const std::string& method) {
  if (method == "cash") return "Tunai";
  if (method == "qris") return "QRIS";
  if (method == "card" || method == "debit") return "Kartu";
  if (method == "transfer") return "Transfer";
  return method;
}

// Points earned as a change: "+52", "+17.325" (a refund's "-52" keeps its sign).
inline std::string points_delta(domain::Points p) { return (p > 0 ? "+" : "") + format_thousands(p); }

}  // namespace setia::adapters::enota::labels
