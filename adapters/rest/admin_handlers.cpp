// /v1/admin/...: members, points adjustments, a member's data rights
// (export, erasure, consents), dead letters (the rules: rules_handlers.cpp). An
// admin token only (a member token is 403); a store admin sees their
// store only: another store's member or dead letter is 404. Staff
// look members up, adjust points within their limit, record a member's
// withdrawal of consent and read dead letters; the rest (a member's export
// and erasure among it) is the owners' (docs/admin-accounts.md).
#include "adapters/rest/admin_scope.h"
#include "adapters/rest/http_errors.h"
#include "adapters/rest/json_body.h"
#include "adapters/rest/pagination.h"
#include "adapters/rest/rest_api.h"
#include "adapters/rest/views.h"
#include "core/services/member_json.h"
#include "core/services/promos.h"
#include "core/support/log.h"

namespace setia::adapters::rest {
namespace {

using nlohmann::json;

core::Profile member_in_scope(Call& call) {
  auto store = admin_store(call, false);
  return unwrap(call.backend.reads->member(store, call.param("id")));
}

Response search_members(Call& call) {
  auto store = admin_store(call, false);
  auto it = call.query.find("q");
  std::string q = it == call.query.end() ? "" : it->second;
  auto p = unwrap(call.backend.reads->search_members(store, q, page_request(call)));
  return json_response(page_json(p, [&](const auto& m) { return profile_json(call, m); }));
}

json member_detail(Call& call, const core::Profile& m) {
  json j = profile_json(call, m);
  auto points = unwrap(call.backend.points->summary(m.member.code));
  j["points"] = points.balance;
  j["points_expiring"] = points_expiring_json(points.expiring);
  auto history = unwrap(call.backend.points->history(m.member.code, kDefaultPageLimit, std::nullopt));
  core::Page<core::PointsHistoryItem> hp{std::move(history.items), std::nullopt};
  if (history.next_cursor) hp.next = core::Cursor{*history.next_cursor, 0};
  j["points_history"] = page_json(hp, points_entry_json);
  auto sales =
      unwrap(call.backend.reads->transactions(m.member.store_id, m.member.id, {kDefaultPageLimit, std::nullopt}));
  j["transactions"] = page_json(sales, [&](const auto& t) { return transaction_summary_json(call, t); });
  // What the counter is asked about: the member's vouchers and bookings.
  auto vouchers =
      unwrap(call.backend.reads->vouchers(m.member.store_id, m.member.id, {kDefaultPageLimit, std::nullopt}));
  j["vouchers"] = page_json(vouchers, [&](const auto& v) { return voucher_json(call, v); });
  auto bookings =
      unwrap(call.backend.reservations->of_member(m.member.store_id, m.member.id, {kDefaultPageLimit, std::nullopt}));
  j["reservations"] = page_json(bookings, [&](const auto& r) { return core::reservation_json(r, call.rules.get()); });
  return j;
}

Response get_member(Call& call) { return json_response(member_detail(call, member_in_scope(call))); }

Response patch_member(Call& call) {
  auto m = member_in_scope(call);
  JsonBody body(call.request);
  body.only({"name", "email", "phone", "birth_date", "language"},
            {"points", "store", "code", "role", "id", "created_at"});
  core::ProfilePatch patch;
  patch.name = body.string("name", false, 100);
  patch.email = body.string("email", false, 254);
  patch.phone = body.string("phone", false, 20);
  patch.birth_date = body.string("birth_date", false, 10);
  patch.lang = body.string("language", false, 2);
  auto updated =
      unwrap(call.backend.profiles->update_by_admin(m.member.store_id, m.member.id, patch, admin_actor(call)));
  if (updated.member.birth_date != m.member.birth_date) {
    // Who changed it, for the operator's journal (the member row keeps who
    // and when, migrations/0021_accounts.sql); no date in the log.
    log::get("rest")->info("{} changed the birth date of member {} of store {}", admin_actor(call), m.member.id,
                           m.member.store_id);
  }
  return json_response(member_detail(call, updated));
}

Response adjust_points(Call& call) {
  auto m = member_in_scope(call);
  JsonBody body(call.request);
  body.only({"delta", "reason"});
  auto delta = *body.integer("delta", true, -1'000'000'000, 1'000'000'000);
  auto reason = *body.string("reason", true, 500);
  if (const auto& who = call.who(); who.admin_role == core::AdminRole::staff) {
    // Staff adjust up to the limit their owner set, either way; none set:
    // no adjustments at all.
    if (!who.points_limit) {
      throw forbidden("this staff account may not adjust points: the store's owner sets a limit first",
                      "over_points_limit");
    }
    if (delta > *who.points_limit || -delta > *who.points_limit) {
      throw forbidden("an adjustment of " + std::to_string(delta) + " points is beyond this staff account's limit of " +
                          std::to_string(*who.points_limit) + "; ask the store's owner",
                      "over_points_limit");
    }
  }
  auto a = unwrap(call.backend.points->adjust(m.member.code, delta, reason, admin_actor(call)));
  return json_response({{"adjustment",
                         {{"id", a.id},
                          {"member", a.member_code},
                          {"delta", a.delta},
                          {"before", a.before},
                          {"after", a.after},
                          {"reason", reason},
                          {"by", admin_actor(call)}}}},
                       201);
}

// A one-time code for the member at the counter (docs/rest-api-auth.md):
// staff and owners both.
Response recovery_code(Call& call) {
  auto m = member_in_scope(call);
  auto c = unwrap(call.backend.recovery->issue(m, admin_actor(call)));
  return json_response({{"code", c.code},
                        {"purpose", c.purpose},
                        {"expires_at", call.time(c.expires_at, m.member.store_id)},
                        {"member", m.member.code}},
                       201);
}

// A member's copy of their data, served to the store's owner (or an
// operator) who answers the member's request (docs/privacy.md, "Export").
Response export_member(Call& call) {
  auto m = member_in_scope(call);
  auto doc = unwrap(call.backend.data_rights->export_member(m.member.store_id, m.member.id, call.base_url()));
  // Who read a person's whole record, for the operator's journal (the
  // member's id only: no name in the log).
  log::get("rest")->info("{} exported the data of member {} of store {}", admin_actor(call), m.member.id,
                         m.member.store_id);
  Response res = json_response(doc);
  res.headers.emplace_back("Cache-Control", "no-store");
  return res;
}

// Erases a member at their request (docs/privacy.md, "Erasure"): {"reason"}
// says why, for the record. A second request answers the first erasure.
// An operator names the store (?store=): a booking the erasure cancels
// tells that store's admins.
Response erase_member(Call& call) {
  auto store = admin_store(call, true);
  JsonBody body(call.request);
  body.only({"reason"});
  auto reason = *body.string("reason", true, 500);
  auto e = unwrap(call.backend.data_rights->erase(store, call.param("id"), admin_actor(call), reason));
  if (!e.already) {
    log::get("rest")->info("{} erased member {} of store {} (erasure {})", admin_actor(call), e.member_id, e.store_id,
                           e.id);
  }
  return json_response(core::erasure_json(e, call.rules.get()));
}

// A member's consents as the store sees them, and a withdrawal the member
// asked for by phone or at the counter ({"push_promo": false, "note"}): an
// admin records withdrawals only, an opt-in is the member's in the app.
Response member_consents(Call& call) {
  auto m = member_in_scope(call);
  auto v = unwrap(call.backend.consents->view(m.member.store_id, m.member.id));
  return json_response(core::consent_view_json(v, m.member.store_id, call.rules.get()));
}

Response withdraw_member_consents(Call& call) {
  auto m = member_in_scope(call);
  JsonBody body(call.request);
  std::vector<core::ConsentChange> changes;
  for (const auto& [key, value] : body.json().items()) {
    if (key == "note") continue;
    if (!core::is_consent_channel(key)) throw bad_request("'" + key + "' is no consent channel: push_promo (and note)");
    changes.push_back({key, *body.boolean(key, true)});
  }
  core::ConsentContext context{.source = "admin",
                               .address = std::nullopt,
                               .actor = admin_actor(call),
                               .notice = std::nullopt,
                               .note = body.string("note", false, 500)};
  auto v = unwrap(call.backend.consents->record(m.member.store_id, m.member.id, changes, context));
  return json_response(core::consent_view_json(v, m.member.store_id, call.rules.get()));
}

Response admin_promos(Call& call) {
  auto store = *admin_store(call, true);
  auto running = unwrap(call.backend.promos->active_for_store(store));
  json items = json::array();
  if (const auto* rs = call.store_rules(store)) {
    for (const auto& p : rs->promos) {
      json j = {{"id", p.id},
                {"title", p.title},
                {"from", p.from.to_string()},
                {"until", p.until.to_string()},
                {"per_member", p.per_member},
                {"total", p.total ? json(*p.total) : json(nullptr)},
                {"members_may_claim", core::audience_admits_members(p.audience)},
                {"announce", p.announce},
                {"voucher", p.voucher},
                {"running", false},
                {"remaining", nullptr}};
      for (const auto& r : running) {
        if (r.id == p.id) {
          j["running"] = true;
          j["audience"] = r.audience;
          j["remaining"] = r.remaining ? json(*r.remaining) : json(nullptr);
        }
      }
      items.push_back(j);
    }
  }
  return json_response({{"store", store}, {"items", items}, {"next_cursor", nullptr}});
}

Response list_dead_letters(Call& call) {
  auto store = admin_store(call, false);
  auto p = unwrap(call.backend.reads->dead_letters(store, page_request(call)));
  return json_response(page_json(p, [&](const auto& d) { return dead_letter_json(call, d); }));
}

Response replay_dead_letter(Call& call) {
  auto store = admin_store(call, false);
  const long long id = path_id(call, "id", "dead letter");
  auto r = unwrap(call.backend.dead_letters->replay(id, store));
  json result = json::parse(r.outcome.result_json, nullptr, false);
  if (result.is_discarded() || r.outcome.result_json.empty()) result = nullptr;
  return json_response({{"dead_letter", id},
                        {"topic", r.letter.topic},
                        {"result", result},
                        {"dead_lettered_again", r.outcome.dead_lettered}});
}

// The store's pushes: sent in the last day, waiting, failing, dead
// (docs/operations.md, "Notifications").
Response push_health(Call& call) {
  auto store = *admin_store(call, true);
  auto got = call.backend.ops->push_health(store);
  if (!got) throw to_api_error(core::ServiceError{core::ServiceError::Kind::unavailable, got.error().message});
  const auto& h = *got;
  return json_response({{"store", store},
                        {"sent_last_day", h.sent_last_day},
                        {"waiting", h.waiting},
                        {"failing", h.failing},
                        {"dead", h.dead},
                        {"last_error", h.last_error ? json(*h.last_error) : json(nullptr)}});
}

}  // namespace

void add_admin_routes(Router& r) {
  r.add("GET", "/v1/admin/pushes", Access::owner, push_health);
  r.add("GET", "/v1/admin/members", Access::admin, search_members);
  r.add("GET", "/v1/admin/members/{id}", Access::admin, get_member);
  r.add("PATCH", "/v1/admin/members/{id}", Access::owner, patch_member);
  r.add("POST", "/v1/admin/members/{id}/points", Access::admin, adjust_points);
  r.add("POST", "/v1/admin/members/{id}/recovery-code", Access::admin, recovery_code);
  r.add("GET", "/v1/admin/members/{id}/export", Access::owner, export_member);
  r.add("POST", "/v1/admin/members/{id}/erase", Access::owner, erase_member);
  r.add("GET", "/v1/admin/members/{id}/consents", Access::admin, member_consents);
  r.add("PATCH", "/v1/admin/members/{id}/consents", Access::admin, withdraw_member_consents);
  r.add("GET", "/v1/admin/promos", Access::owner, admin_promos);
  r.add("GET", "/v1/admin/deadletters", Access::admin, list_dead_letters);
  r.add("POST", "/v1/admin/deadletters/{id}/replay", Access::owner, replay_dead_letter);
}

}  // namespace setia::adapters::rest
