#include "core/services/member_json.h"

#include "core/domain/voucher_terms_json.h"
#include "core/outbox/notification_texts.h"
#include "core/services/store_time_text.h"

namespace setia::core {
namespace {

using nlohmann::json;

template <class T>
json opt(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

const rules::RuleSet* rules_of(const rules::RuleBook* book, const std::string& store_id) {
  return book ? book->for_store(store_id) : nullptr;
}

}  // namespace

std::string time_in_store(std::int64_t at, const std::string& store_id, const rules::RuleBook* book) {
  return store_time_text(at, rules_of(book, store_id));
}

std::string enota_url(const std::string& base_url, long long sale_id) {
  return base_url + "/v1/me/transactions/" + std::to_string(sale_id) + "/enota.html";
}

json profile_json(const Profile& p, const rules::RuleBook* book) {
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
          {"created_at", time_in_store(p.created_at, m.store_id, book)}};
}

json voucher_json(const VoucherRow& row, const rules::RuleBook* book) {
  const auto& v = row.voucher;
  json terms = v.terms;
  terms.erase("valid_days");  // an issued voucher has its dates instead
  return {{"code", v.code},
          {"title", v.title},
          {"store", v.store_id},
          {"status", v.status},  // active | redeemed | expired | void
          {"source", v.source},
          {"valid_from", time_in_store(row.valid_from, v.store_id, book)},
          {"valid_until", time_in_store(row.valid_until, v.store_id, book)},
          {"terms", terms},
          {"redeemed_receipt", opt(v.redeemed_receipt)},
          {"discount", opt(v.discount)}};
}

json transaction_summary_json(const TransactionSummary& t, const rules::RuleBook* book) {
  return {{"id", t.id},
          {"store", t.store_id},
          {"receipt_no", t.receipt_no},
          {"time", time_in_store(t.at, t.store_id, book)},
          {"total", t.total},
          {"items", t.items},
          {"points_earned", t.points_earned}};
}

json transaction_json(const Transaction& t, const rules::RuleBook* book, const std::string& html_url) {
  json j = transaction_summary_json(t.summary, book);
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
  j["links"] = {{"html", html_url}};
  return j;
}

json points_entry_json(const PointsEntry& e, const std::string& at, const std::optional<std::string>& expires_at) {
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
  json j = {{"id", e.id}, {"kind", e.kind}, {"points", e.points}, {"at", at}, {"why", why}};
  j["expires_at"] = opt(expires_at);
  if (e.remaining) j["remaining"] = *e.remaining;
  return j;
}

json notification_json(const NotificationRow& n, const rules::RuleBook* book) {
  // The same texts the push carried.
  OutboxItem item;
  item.notification_id = n.id;
  item.store_id = n.store_id;
  item.kind = n.kind;
  item.data_json = n.data_json;
  item.lang = n.lang;
  item.member_name = n.member_name;
  auto push = render_push(item, {.public_url = {}, .rules = rules_of(book, n.store_id)});
  json data = json::parse(n.data_json, nullptr, false);
  if (data.is_discarded()) data = json::object();
  return {{"id", n.id},        {"kind", n.kind}, {"title", push.title},
          {"body", push.body}, {"data", data},   {"at", time_in_store(n.at, n.store_id, book)}};
}

json reservation_json(const Reservation& r, const rules::RuleBook* book) {
  // A booking the shop took for a guest has no member, and names the guest.
  json member = r.member_id ? json{{"code", r.member_code}, {"name", r.member_name}} : json(nullptr);
  json guest = r.guest_name ? json{{"name", *r.guest_name}, {"phone", opt(r.guest_phone)}} : json(nullptr);
  return {{"id", r.id},
          {"store", r.store_id},
          {"member", member},
          {"guest", guest},
          {"date", r.date},
          {"time", r.time},
          {"party", r.party},
          {"note", opt(r.note)},
          {"status", r.status},
          {"starts_at", time_in_store(r.starts_at, r.store_id, book)},
          {"ends_at", time_in_store(r.ends_at, r.store_id, book)},
          {"created_at", time_in_store(r.created_at, r.store_id, book)}};
}

json consent_record_json(const ConsentRecord& c, const std::string& store_id, const rules::RuleBook* book) {
  return {{"channel", c.channel},    {"granted", c.granted},      {"at", time_in_store(c.at, store_id, book)},
          {"source", c.source},      {"address", opt(c.address)}, {"by", opt(c.actor)},
          {"notice", opt(c.notice)}, {"note", opt(c.note)}};
}

json consent_view_json(const ConsentView& v, const std::string& store_id, const rules::RuleBook* book) {
  json channels = json::object();
  for (const auto& c : v.channels) {
    channels[c.channel] = {{"granted", c.granted},
                           {"since", c.since ? json(time_in_store(c.since->at, store_id, book)) : json(nullptr)},
                           {"source", c.since ? json(c.since->source) : json(nullptr)},
                           {"notice", c.since ? opt(c.since->notice) : json(nullptr)}};
  }
  json history = json::array();
  for (const auto& r : v.history) history.push_back(consent_record_json(r, store_id, book));
  return {{"channels", channels}, {"history", history}};
}

json erasure_json(const ErasureRecord& e, const rules::RuleBook* book) {
  json removed = json::parse(e.removed_json, nullptr, false);
  if (removed.is_discarded()) removed = json::object();
  return {{"erasure",
           {{"id", e.id},
            {"store", e.store_id},
            {"member_id", e.member_id},
            {"at", time_in_store(e.at, e.store_id, book)},
            {"requested_by", e.requested_by},
            {"reason", e.reason},
            {"points_forfeited", e.points_forfeited},
            {"removed", removed}}},
          {"already_erased", e.already}};
}

}  // namespace setia::core
