#include "adapters/rest/views.h"

#include "adapters/rest/rest_api.h"
#include "core/services/member_json.h"

namespace setia::adapters::rest {
namespace {

using nlohmann::json;

template <class T>
json opt(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

}  // namespace

// The member's records: the shapes of core/services/member_json.h, which
// the member's export shares.
json profile_json(const Call& call, const core::Profile& p) { return core::profile_json(p, call.rules.get()); }

json voucher_json(const Call& call, const core::VoucherRow& row) { return core::voucher_json(row, call.rules.get()); }

json transaction_summary_json(const Call& call, const core::TransactionSummary& t) {
  return core::transaction_summary_json(t, call.rules.get());
}

json transaction_json(const Call& call, const core::Transaction& t, const std::string& html_path) {
  return core::transaction_json(t, call.rules.get(), call.base_url() + html_path);
}

json points_expiring_json(const std::optional<core::PointsExpiring>& e) {
  if (!e) return nullptr;
  return {{"points", e->points}, {"on", e->on}};
}

json points_entry_json(const core::PointsHistoryItem& item) {
  return core::points_entry_json(item.entry, item.at, item.expires_at);
}

json notification_json(const Call& call, const core::NotificationRow& n) {
  return core::notification_json(n, call.rules.get());
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
