#include "core/pipeline/refund_decoder.h"

#include "core/pipeline/json_fields.h"
#include "core/pipeline/sale_decoder.h"

namespace setia::core {
namespace {

using domain::Reason;
using domain::Rejection;

std::optional<Rejection> check_schema_and_store(Fields& f, std::string_view expected_schema,
                                                std::string_view topic_store,
                                                const std::optional<std::string>& event_id) {
  auto schema = f.text("schema", true, kMaxIdLength);
  if (f.error) return f.error;
  if (*schema != expected_schema) {
    return Rejection{Reason::unknown_schema, "schema '" + *schema + "' is not '" + std::string(expected_schema) + "'",
                     event_id};
  }
  auto store = f.text("store_id", true, 63);
  if (f.error) return f.error;
  if (*store != topic_store) {
    return Rejection{Reason::store_mismatch,
                     "store_id '" + *store + "' does not match the topic's store '" + std::string(topic_store) + "'",
                     event_id};
  }
  return std::nullopt;
}

}  // namespace

std::expected<domain::Refund, Rejection> decode_refund(std::string_view topic_store, std::string_view payload) {
  auto parsed = parse_pos_object(payload);
  if (!parsed) return std::unexpected(parsed.error());
  Fields f(parsed->body, "", parsed->event_id);
  if (auto r = check_schema_and_store(f, "setia.pos.refund/1", topic_store, parsed->event_id))
    return std::unexpected(*r);
  domain::Refund refund;
  auto eid = f.text("event_id", true, kMaxIdLength);
  auto receipt = f.text("receipt_no", true, kMaxIdLength);
  auto occurred = f.text("occurred_at", true, 64);
  refund.amount = f.integer("amount", true, 1, kMaxAmount).value_or(0);
  refund.reason = f.text("reason", false, kMaxTextLength);
  if (f.error) return std::unexpected(*f.error);
  if (!parse_rfc3339(*occurred)) {
    return std::unexpected(Rejection{
        Reason::invalid_field, "field 'occurred_at' must be RFC 3339 with an offset, e.g. 2020-05-27T12:00:00+07:00",
        parsed->event_id});
  }
  refund.event_id = *eid;
  refund.store_id = std::string(topic_store);
  refund.receipt_no = *receipt;
  refund.occurred_at = *occurred;
  return refund;
}

std::expected<domain::Lookup, Rejection> decode_lookup(std::string_view topic_store, std::string_view payload) {
  auto parsed = parse_pos_object(payload);
  if (!parsed) return std::unexpected(parsed.error());
  Fields f(parsed->body, "", std::nullopt);
  if (auto r = check_schema_and_store(f, "setia.pos.lookup/1", topic_store, std::nullopt)) return std::unexpected(*r);
  domain::Lookup q;
  q.store_id = std::string(topic_store);
  q.member = f.text("member", false, kMaxIdLength);
  q.voucher = f.text("voucher", false, kMaxIdLength);
  q.reply_to = f.text("reply_to", false, 256);
  auto subtotal = f.integer("subtotal", false, 0, kMaxAmount);
  if (f.error) return std::unexpected(*f.error);
  if (q.reply_to && q.reply_to->find_first_of("#+") != std::string::npos) {
    return std::unexpected(
        Rejection{Reason::invalid_field, "field 'reply_to' must be a topic without wildcards", std::nullopt});
  }
  nlohmann::json basket = {{"subtotal", subtotal.value_or(0)}, {"items", nlohmann::json::array()}};
  if (const auto* items = f.find("items")) {
    if (!items->is_array() || items->size() > 500) {
      return std::unexpected(
          Rejection{Reason::invalid_field, "field 'items' must be an array of at most 500 lines", std::nullopt});
    }
    long long sum = 0;
    for (std::size_t i = 0; i < items->size(); ++i) {
      if (!(*items)[i].is_object()) {
        return std::unexpected(
            Rejection{Reason::invalid_field, "'items[" + std::to_string(i) + "]' must be an object", std::nullopt});
      }
      Fields lf((*items)[i], "items[" + std::to_string(i) + "]", std::nullopt);
      auto qty = lf.integer("qty", true, 1, 1'000'000);
      auto price = lf.integer("unit_price", true, 0, kMaxAmount / 1'000'000);
      auto sku = lf.text("sku", false, kMaxIdLength);
      auto category = lf.text("category", false, kMaxIdLength);
      if (lf.error) return std::unexpected(*lf.error);
      sum += *qty * *price;
      nlohmann::json line = {{"qty", *qty}, {"unit_price", *price}};
      if (sku) line["sku"] = *sku;
      if (category) line["category"] = *category;
      basket["items"].push_back(std::move(line));
    }
    // The POS may send the basket without a subtotal: it is the lines' sum.
    if (!subtotal) basket["subtotal"] = sum;
  }
  q.basket_json = basket.dump();
  return q;
}

}  // namespace setia::core
