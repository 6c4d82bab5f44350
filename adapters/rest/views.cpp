#include "adapters/rest/views.h"

#include "adapters/rest/rest_api.h"
#include "core/outbox/notification_texts.h"

namespace setia::adapters::rest {
namespace {

using nlohmann::json;

template <class T>
json opt(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

}  // namespace

json profile_json(const Call& call, const core::Profile& p) {
  const auto& m = p.member;
  return {{"id", m.id},
          {"code", m.code},
          {"store", m.store_id},
          {"name", m.name},
          {"email", opt(m.email)},
          {"phone", m.phone},
          {"birth_date", opt(m.birth_date)},
          {"language", p.lang},
          {"promo_pushes", p.promo_pushes},
          {"points", m.points},
          {"created_at", call.time(p.created_at, m.store_id)}};
}

json voucher_json(const Call& call, const core::VoucherRow& row) {
  const auto& v = row.voucher;
  json terms = v.terms;
  terms.erase("valid_days");  // an issued voucher has its dates instead
  return {{"code", v.code},
          {"title", v.title},
          {"store", v.store_id},
          {"status", v.status},  // active | redeemed | expired | void
          {"source", v.source},
          {"valid_from", call.time(row.valid_from, v.store_id)},
          {"valid_until", call.time(row.valid_until, v.store_id)},
          {"terms", terms},
          {"redeemed_receipt", opt(v.redeemed_receipt)},
          {"discount", opt(v.discount)}};
}

json transaction_summary_json(const Call& call, const core::TransactionSummary& t) {
  return {{"id", t.id},
          {"store", t.store_id},
          {"receipt_no", t.receipt_no},
          {"time", call.time(t.at, t.store_id)},
          {"total", t.total},
          {"items", t.items},
          {"points_earned", t.points_earned}};
}

json transaction_json(const Call& call, const core::Transaction& t, const std::string& html_path) {
  json j = transaction_summary_json(call, t.summary);
  json lines = json::array();
  for (const auto& l : t.lines) {
    lines.push_back({{"sku", l.sku.empty() ? json(nullptr) : json(l.sku)},
                     {"name", l.name},
                     {"category", l.category.empty() ? json(nullptr) : json(l.category)},
                     {"qty", l.qty},
                     {"unit_price", l.unit_price},
                     {"amount", l.amount}});
  }
  json vouchers = json::array();
  for (const auto& v : t.vouchers) {
    vouchers.push_back(
        {{"code", v.code}, {"redeemed", v.redeemed}, {"discount", v.discount}, {"reason", opt(v.reason)}});
  }
  j["items"] = std::move(lines);
  j["member"] = opt(t.member_code);
  j["table"] = opt(t.table);
  j["service"] = opt(t.service);
  j["customer"] = opt(t.customer);
  j["cashier"] = opt(t.cashier);
  j["subtotal"] = t.subtotal;
  j["discount"] = t.discount;
  j["service_charge"] = t.service_charge;
  j["tax"] = t.tax;
  j["paid"] = opt(t.paid);
  j["change"] = opt(t.change);
  j["payment_method"] = opt(t.payment_method);
  j["vouchers"] = std::move(vouchers);
  j["refunded"] = t.refunded;
  j["points_reversed"] = t.points_reversed;
  j["links"] = {{"html", call.base_url() + html_path}};
  return j;
}

json points_expiring_json(const std::optional<core::PointsExpiring>& e) {
  if (!e) return nullptr;
  return {{"points", e->points}, {"on", e->on}};
}

json points_entry_json(const core::PointsHistoryItem& item) {
  const auto& e = item.entry;
  // Why the balance moved: the sale and the rules, the reward, the lot that
  // expired, the refund, or the admin and their reason.
  json why = json::object();
  if (e.kind == "earn") {
    why = {{"sale", {{"receipt_no", opt(e.receipt_no)}}},
           {"ruleset_version", opt(e.ruleset_version)},
           {"rule_ids", e.rule_ids}};
  } else if (e.kind == "redeem") {
    why = {{"reward", opt(e.reward_id)}, {"voucher", opt(e.voucher_code)}};
  } else if (e.kind == "expire") {
    why = {{"lot", opt(e.lot_id)}};
  } else if (e.kind == "reverse") {
    why = {{"refund", {{"receipt_no", opt(e.receipt_no)}}}};
  } else if (e.kind == "adjust") {
    why = {{"adjustment", {{"reason", opt(e.reason)}, {"by", opt(e.actor)}}}};
  }
  json j = {{"id", e.id}, {"kind", e.kind}, {"points", e.points}, {"at", item.at}, {"why", why}};
  j["expires_at"] = opt(item.expires_at);
  if (e.remaining) j["remaining"] = *e.remaining;
  return j;
}

json notification_json(const Call& call, const core::NotificationRow& n) {
  // The same texts the push carried (core/outbox/notification_texts).
  core::OutboxItem item;
  item.notification_id = n.id;
  item.store_id = n.store_id;
  item.kind = n.kind;
  item.data_json = n.data_json;
  item.lang = n.lang;
  item.member_name = n.member_name;
  auto push = core::render_push(item, {.rules = call.store_rules(n.store_id)});
  json data = json::parse(n.data_json, nullptr, false);
  if (data.is_discarded()) data = json::object();
  return {{"id", n.id},        {"kind", n.kind}, {"title", push.title},
          {"body", push.body}, {"data", data},   {"at", call.time(n.at, n.store_id)}};
}

json dead_letter_json(const Call& call, const core::DeadLetterRow& d) {
  json j = {{"id", d.id},
            {"store", opt(d.store_id)},
            {"event_id", opt(d.event_id)},
            {"topic", d.topic},
            {"reason", d.reason},
            {"detail", d.detail},
            {"payload", d.payload},  // as received; bytes that are not UTF-8 show as U+FFFD
            {"received_at", call.time(d.at, d.store_id.value_or(""))}};
  j["replayed_at"] = d.replayed_at ? json(call.time(*d.replayed_at, d.store_id.value_or(""))) : json(nullptr);
  j["replay"] = d.replay_result ? json::parse(*d.replay_result, nullptr, false) : json(nullptr);
  if (j["replay"].is_discarded()) j["replay"] = nullptr;
  return j;
}

json reward_json(const core::RewardOffer& r) {
  return {{"id", r.id},
          {"title", r.title},
          {"cost", r.cost},
          {"stock", opt(r.stock)},
          {"remaining", opt(r.remaining)},
          {"available_from", opt(r.available_from)},
          {"available_until", opt(r.available_until)},
          {"voucher", r.voucher}};
}

json promo_json(const core::PromoOffer& p) {
  return {{"id", p.id},
          {"title", p.title},
          {"audience", p.audience},
          {"from", p.from},
          {"until", p.until},
          {"per_member", p.per_member},
          {"total", opt(p.total)},
          {"remaining", opt(p.remaining)},
          {"claimed", opt(p.claimed_by_member)},
          {"voucher", p.voucher}};
}

json customer_json(const Call& call, const core::CustomerRow& c, const std::string& store) {
  return {{"id", c.member_id},
          {"code", c.code},
          {"name", c.name},
          {"last_purchase", c.last_purchase ? json(call.time(*c.last_purchase, store)) : json(nullptr)},
          {"purchases", c.purchases},
          {"spend", c.spend},
          {"points", c.points}};
}

}  // namespace setia::adapters::rest
