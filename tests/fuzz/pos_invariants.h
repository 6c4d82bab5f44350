#pragma once

// What must hold for any bytes a POS publishes, written once for the two
// places that check it: the libFuzzer targets sale_decoder_fuzz and
// refund_decoder_fuzz (tests/fuzz/pos_decoder_fuzz.cpp, which aborts on a
// violation so libFuzzer keeps the input) and the replay test
// (tests/unit/pos_fuzz_replay_test.cpp, which fails). No test framework
// here, so both can use it.

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/pipeline/refund_decoder.h"
#include "core/pipeline/sale_decoder.h"

namespace setia::core::fuzz {

// The store of the topic every fuzzed payload arrives on.
inline constexpr std::string_view kTopicStore = "fuzz-store";

struct PosCheck {
  bool accepted = false;  // the decoder took the payload
  std::string violation;  // the first invariant it broke; empty: none
};

namespace detail {

inline bool same(const domain::Rejection& a, const domain::Rejection& b) {
  return a.reason == b.reason && a.detail == b.detail && a.event_id == b.event_id;
}

// A refusal says why and, when it names the event, names a real one.
inline std::string refusal_problem(const domain::Rejection& r) {
  if (r.detail.empty()) return "a refusal without a detail";
  if (r.event_id && r.event_id->empty()) return "a refusal naming an empty event_id";
  return {};
}

}  // namespace detail

// A sale payload: refused with a reason, or a Sale whose every invariant of
// docs/pos-contract.md holds; decoding twice gives the same answer.
inline PosCheck check_sale_payload(std::string_view payload) {
  PosCheck out;
  auto first = decode_sale(kTopicStore, payload);
  auto again = decode_sale(kTopicStore, payload);
  out.accepted = first.has_value();
  if (first.has_value() != again.has_value()) return {out.accepted, "two decodings disagree"};
  if (!first) {
    if (!detail::same(first.error(), again.error())) return {false, "two refusals differ"};
    return {false, detail::refusal_problem(first.error())};
  }
  const domain::Sale& s = *first;
  auto broken = [&](std::string what) { return PosCheck{true, std::move(what)}; };
  if (s.store_id != kTopicStore) return broken("a sale of another store than its topic's");
  if (s.event_id.empty() || s.receipt_no.empty()) return broken("a sale without event_id or receipt_no");
  if (s.items.empty()) return broken("a sale without lines");
  domain::Money lines = 0;
  for (const auto& l : s.items) {
    if (l.qty <= 0 || l.unit_price < 0) return broken("a line with qty <= 0 or a negative price");
    lines += l.amount();
  }
  if (lines != s.subtotal) return broken("subtotal is not the lines' sum");
  if (s.discount < 0 || s.service_charge < 0 || s.tax < 0 || s.total < 0) return broken("a negative amount");
  if (s.total != s.subtotal - s.discount + s.service_charge + s.tax) return broken("total does not add up");
  if (s.paid && *s.paid < s.total) return broken("paid is less than total");
  if (s.change && (!s.paid || *s.change != *s.paid - s.total)) return broken("change is not paid - total");
  if (parse_rfc3339(s.occurred_at) != s.occurred_at_unix) return broken("occurred_at_unix is not occurred_at");
  if (s.member && s.member->empty()) return broken("an empty member code");
  for (const auto& v : s.vouchers) {
    if (v.empty()) return broken("an empty voucher code");
  }
  if (again->event_id != s.event_id || again->total != s.total || again->items.size() != s.items.size()) {
    return broken("two decodings disagree");
  }
  return out;
}

// A refund or lookup payload (the same bytes through both decoders):
// refused with a reason, or a refund of a positive amount of this store, a
// lookup whose basket is JSON with a subtotal and lines.
inline PosCheck check_refund_payload(std::string_view payload) {
  PosCheck out;
  auto refund = decode_refund(kTopicStore, payload);
  auto refund_again = decode_refund(kTopicStore, payload);
  if (refund.has_value() != refund_again.has_value()) return {false, "two refund decodings disagree"};
  if (refund) {
    out.accepted = true;
    if (refund->store_id != kTopicStore) return {true, "a refund of another store than its topic's"};
    if (refund->event_id.empty() || refund->receipt_no.empty()) return {true, "a refund without event_id or receipt"};
    if (refund->amount <= 0) return {true, "a refund of no amount"};
  } else if (auto p = detail::refusal_problem(refund.error()); !p.empty()) {
    return {false, "refund: " + p};
  }
  auto lookup = decode_lookup(kTopicStore, payload);
  if (lookup) {
    out.accepted = true;
    if (lookup->store_id != kTopicStore) return {true, "a lookup of another store than its topic's"};
    auto basket = nlohmann::json::parse(lookup->basket_json, nullptr, false);
    if (!basket.is_object() || !basket.contains("subtotal") || !basket["items"].is_array()) {
      return {true, "a lookup's basket is not {subtotal, items}"};
    }
    if (lookup->reply_to && lookup->reply_to->find_first_of("#+") != std::string::npos) {
      return {true, "a lookup's reply_to with a wildcard"};
    }
  } else if (auto p = detail::refusal_problem(lookup.error()); !p.empty()) {
    return {out.accepted, "lookup: " + p};
  }
  return out;
}

}  // namespace setia::core::fuzz
