#pragma once

// VoucherTerms as JSON, one shape everywhere it travels: the REST API,
// setiactl's output, and the terms the Pg adapters hand to the SQL
// functions (p_terms of setia_insert_voucher). nlohmann finds these by ADL:
// nlohmann::json(terms), j.get<VoucherTerms>().
//
//   {"kind": "percent_off" | "amount_off" | "free_item",
//    "percent", "max_off", "amount_off", "free_category", "free_sku", "free_qty",
//    "min_spend", "valid_days"}
//
// Every key is present; what the kind does not use is null. The title is
// not part of it (each voucher and offer carries its own).

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/domain/voucher_terms.h"

namespace setia::domain {

namespace voucher_terms_json_detail {

template <class T>
std::optional<T> get_opt(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  return it->get<T>();
}

inline nlohmann::json or_null(const std::string& s) { return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s); }

}  // namespace voucher_terms_json_detail

inline void to_json(nlohmann::json& j, const VoucherTerms& t) {
  using voucher_terms_json_detail::or_null;
  j = {{"kind", nullptr},       {"percent", nullptr},       {"max_off", nullptr},
       {"amount_off", nullptr}, {"free_category", nullptr}, {"free_sku", nullptr},
       {"free_qty", nullptr},   {"min_spend", t.min_spend}, {"valid_days", t.valid_days}};
  if (auto* p = std::get_if<PercentOff>(&t.benefit)) {
    j["kind"] = "percent_off";
    j["percent"] = p->percent;
    if (p->max_off) j["max_off"] = *p->max_off;
  } else if (auto* a = std::get_if<AmountOff>(&t.benefit)) {
    j["kind"] = "amount_off";
    j["amount_off"] = a->amount;
  } else if (auto* f = std::get_if<FreeItem>(&t.benefit)) {
    j["kind"] = "free_item";
    j["free_category"] = or_null(f->category);
    j["free_sku"] = or_null(f->sku);
    j["free_qty"] = f->qty;
  }
}

// Reads the keys above from `j` (other keys are ignored, so a voucher row
// holding them among its own reads too); a missing min_spend is 0, a
// missing valid_days keeps t's. Throws nlohmann::json::exception when the
// kind is unknown or a value has the wrong type.
inline void from_json(const nlohmann::json& j, VoucherTerms& t) {
  using voucher_terms_json_detail::get_opt;
  const std::string kind = j.at("kind").get<std::string>();
  if (kind == "percent_off") {
    t.benefit = PercentOff{.percent = j.at("percent").get<int>(), .max_off = get_opt<Money>(j, "max_off")};
  } else if (kind == "amount_off") {
    t.benefit = AmountOff{.amount = j.at("amount_off").get<Money>()};
  } else if (kind == "free_item") {
    t.benefit = FreeItem{.category = get_opt<std::string>(j, "free_category").value_or(""),
                         .sku = get_opt<std::string>(j, "free_sku").value_or(""),
                         .qty = get_opt<std::int64_t>(j, "free_qty").value_or(1)};
  } else {
    throw nlohmann::json::other_error::create(501, "unknown voucher kind '" + kind + "'", &j);
  }
  t.min_spend = get_opt<Money>(j, "min_spend").value_or(0);
  if (auto days = get_opt<int>(j, "valid_days")) t.valid_days = *days;
}

}  // namespace setia::domain
