#include "core/pipeline/sale_decoder.h"

#include "core/domain/civil_date.h"

#include <array>
#include <limits>
#include <string>

#include <nlohmann/json.hpp>

#include "core/pipeline/json_fields.h"

namespace setia::core {
namespace {

using domain::Money;
using domain::Reason;
using domain::Rejection;
using nlohmann::json;

constexpr std::string_view kSaleSchema = "setia.pos.sale/1";
constexpr std::size_t kMaxItems = 500;
constexpr std::int64_t kMaxQty = 1'000'000;

bool valid_service(std::string_view s) {
  static constexpr std::array<std::string_view, 3> kServices{"dine_in", "take_away", "delivery"};
  for (auto k : kServices) {
    if (s == k) return true;
  }
  return false;
}

std::string rupiah(Money m) { return std::to_string(m); }

}  // namespace

std::optional<std::int64_t> parse_rfc3339(std::string_view s) {
  // YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)
  auto digits = [&](std::size_t pos, std::size_t n) -> std::optional<int> {
    if (pos + n > s.size()) return std::nullopt;
    int v = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return std::nullopt;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  if (s.size() < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') || s[13] != ':' || s[16] != ':') {
    return std::nullopt;
  }
  auto y = digits(0, 4), mo = digits(5, 2), d = digits(8, 2), h = digits(11, 2), mi = digits(14, 2), se = digits(17, 2);
  if (!y || !mo || !d || !h || !mi || !se) return std::nullopt;
  if (*y < 1970 || *mo < 1 || *mo > 12 || *d < 1 || *h > 23 || *mi > 59 || *se > 60) {
    return std::nullopt;
  }
  if (!date::year_month_day{date::year{*y}, date::month{static_cast<unsigned>(*mo)},
                            date::day{static_cast<unsigned>(*d)}}
           .ok()) {
    return std::nullopt;
  }
  std::size_t pos = 19;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    std::size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
    if (pos == start || pos - start > 9) return std::nullopt;
  }
  if (pos >= s.size()) return std::nullopt;
  int offset_s = 0;
  if (s[pos] == 'Z' || s[pos] == 'z') {
    ++pos;
  } else if (s[pos] == '+' || s[pos] == '-') {
    auto oh = digits(pos + 1, 2), om = digits(pos + 4, 2);
    if (!oh || !om || pos + 3 >= s.size() || s[pos + 3] != ':' || *oh > 23 || *om > 59) {
      return std::nullopt;
    }
    offset_s = (*oh * 3600 + *om * 60) * (s[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  std::int64_t days = domain::days_since_epoch(*y, static_cast<unsigned>(*mo), static_cast<unsigned>(*d));
  return days * 86400 + *h * 3600 + *mi * 60 + std::min(*se, 59) - offset_s;
}

std::expected<domain::Sale, Rejection> decode_sale(std::string_view topic_store, std::string_view payload) {
  auto parsed = parse_pos_object(payload);
  if (!parsed) return std::unexpected(parsed.error());
  const json& j = parsed->body;
  const auto& event_id = parsed->event_id;
  Fields f(j, "", event_id);
  auto schema = f.text("schema", true, kMaxIdLength);
  if (f.error) return std::unexpected(*f.error);
  if (*schema != kSaleSchema) {
    return std::unexpected(Rejection{Reason::unknown_schema,
                                     "schema '" + *schema + "' is not '" + std::string(kSaleSchema) + "'", event_id});
  }

  domain::Sale sale;
  auto eid = f.text("event_id", true, kMaxIdLength);
  auto store = f.text("store_id", true, 63);
  auto receipt = f.text("receipt_no", true, kMaxIdLength);
  auto occurred = f.text("occurred_at", true, 64);
  auto member = f.text("member", false, kMaxIdLength);
  for (auto key : {"customer_name", "cashier", "table", "payment_method"}) f.text(key, false, kMaxTextLength);
  auto service = f.text("service", false, 32);
  sale.subtotal = f.integer("subtotal", true, 0, kMaxAmount).value_or(0);
  sale.discount = f.integer("discount", false, 0, kMaxAmount).value_or(0);
  sale.service_charge = f.integer("service_charge", false, 0, kMaxAmount).value_or(0);
  sale.tax = f.integer("tax", false, 0, kMaxAmount).value_or(0);
  sale.total = f.integer("total", true, 0, kMaxAmount).value_or(0);
  sale.paid = f.integer("paid", false, 0, kMaxAmount);
  sale.change = f.integer("change", false, 0, kMaxAmount);
  if (f.error) return std::unexpected(*f.error);

  if (*store != topic_store) {
    return std::unexpected(Rejection{
        Reason::store_mismatch,
        "store_id '" + *store + "' does not match the topic's store '" + std::string(topic_store) + "'", event_id});
  }
  auto when = parse_rfc3339(*occurred);
  if (!when) {
    return std::unexpected(Rejection{Reason::invalid_field,
                                     "field 'occurred_at' must be RFC 3339 with an offset, "
                                     "e.g. 2020-05-27T11:11:00+07:00; got '" +
                                         *occurred + "'",
                                     event_id});
  }
  if (service && !valid_service(*service)) {
    return std::unexpected(
        Rejection{Reason::invalid_field, "field 'service' must be dine_in, take_away or delivery", event_id});
  }

  const json* items = f.find("items");
  if (!items) {
    return std::unexpected(Rejection{Reason::missing_field, "missing required field 'items'", event_id});
  }
  if (!items->is_array() || items->empty() || items->size() > kMaxItems) {
    return std::unexpected(
        Rejection{Reason::invalid_field, "field 'items' must be an array of 1 to 500 lines", event_id});
  }
  Money lines_sum = 0;
  for (std::size_t i = 0; i < items->size(); ++i) {
    const json& it = (*items)[i];
    std::string path = "items[" + std::to_string(i) + "]";
    if (!it.is_object()) {
      return std::unexpected(Rejection{Reason::invalid_field, "'" + path + "' must be an object", event_id});
    }
    Fields lf(it, path, event_id);
    domain::SaleLine line;
    auto sku = lf.text("sku", false, kMaxIdLength);
    auto name = lf.text("name", false, kMaxTextLength);
    auto category = lf.text("category", false, kMaxIdLength);
    line.qty = lf.integer("qty", true, 1, kMaxQty).value_or(0);
    line.unit_price = lf.integer("unit_price", true, 0, kMaxAmount / kMaxQty).value_or(0);
    if (!lf.error && !sku && !name) {
      lf.fail(Reason::missing_field, "'" + path + "' needs a 'sku' or a 'name'");
    }
    if (lf.error) return std::unexpected(*lf.error);
    line.sku = sku.value_or("");
    line.name = name.value_or(line.sku);
    line.category = category.value_or("");
    lines_sum += line.amount();  // ≤ 500 × 10^15: no overflow
    sale.items.push_back(std::move(line));
  }

  if (const json* v = f.find("vouchers")) {
    if (!v->is_array() || v->size() > 20) {
      return std::unexpected(
          Rejection{Reason::invalid_field, "field 'vouchers' must be an array of at most 20 codes", event_id});
    }
    for (const auto& code : *v) {
      if (!code.is_string() || code.get_ref<const std::string&>().empty() ||
          code.get_ref<const std::string&>().size() > kMaxIdLength) {
        return std::unexpected(Rejection{Reason::invalid_field,
                                         "field 'vouchers' must hold voucher codes (strings of 1 to 64 characters)",
                                         event_id});
      }
      sale.vouchers.push_back(code.get<std::string>());
    }
  }

  // The arithmetic of the contract, each failure saying which equation broke.
  if (sale.subtotal != lines_sum) {
    return std::unexpected(Rejection{Reason::invalid_arithmetic,
                                     "subtotal " + rupiah(sale.subtotal) +
                                         " is not the sum of qty x unit_price over items (" + rupiah(lines_sum) + ")",
                                     event_id});
  }
  Money expected_total = sale.subtotal - sale.discount + sale.service_charge + sale.tax;
  if (sale.total != expected_total) {
    return std::unexpected(Rejection{Reason::invalid_arithmetic,
                                     "total " + rupiah(sale.total) +
                                         " is not subtotal - discount + service_charge + tax (" +
                                         rupiah(expected_total) + ")",
                                     event_id});
  }
  if (sale.paid) {
    if (*sale.paid < sale.total) {
      return std::unexpected(Rejection{Reason::invalid_arithmetic,
                                       "paid " + rupiah(*sale.paid) + " is less than total " + rupiah(sale.total),
                                       event_id});
    }
    if (sale.change && *sale.change != *sale.paid - sale.total) {
      return std::unexpected(
          Rejection{Reason::invalid_arithmetic,
                    "change " + rupiah(*sale.change) + " is not paid - total (" + rupiah(*sale.paid - sale.total) + ")",
                    event_id});
    }
  } else if (sale.change) {
    return std::unexpected(Rejection{Reason::invalid_arithmetic, "change is given without paid", event_id});
  }

  sale.event_id = *eid;
  sale.store_id = *store;
  sale.receipt_no = *receipt;
  sale.occurred_at = *occurred;
  sale.occurred_at_unix = *when;
  sale.member = member;
  return sale;
}

}  // namespace setia::core
