// The member's own paths: /v1/me and below, with the member's data rights
// (consents, export, erasure: docs/privacy.md). A member reaches only their own
// data: every query is scoped by the token's member, so another member's
// id or code answers 404, exactly as an id that does not exist.
#include <charconv>

#include "adapters/enota/receipt_html.h"
#include "adapters/qr/qr_png.h"
#include "adapters/qr/qr_svg.h"
#include "adapters/rest/http_errors.h"
#include "adapters/rest/json_body.h"
#include "adapters/rest/pagination.h"
#include "adapters/rest/rest_api.h"
#include "adapters/rest/views.h"
#include "core/services/member_json.h"
#include "rules/store_time.h"

namespace setia::adapters::rest {
namespace {

using nlohmann::json;

Response qr_response(const Call& call, const std::string& text, bool png) {
  if (png) {
    int scale = 8;
    if (auto it = call.query.find("scale"); it != call.query.end()) {
      auto [p, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), scale);
      if (ec != std::errc() || p != it->second.data() + it->second.size() || scale < 1 || scale > qr::kMaxPngScale) {
        throw bad_request("scale must be 1 to " + std::to_string(qr::kMaxPngScale));
      }
    }
    auto img = qr::qr_png(text, scale);
    if (!img) throw ApiError(500, "internal", "cannot encode the QR code");
    return Response{200, "image/png", std::string(img->begin(), img->end()), {}, false};
  }
  auto svg = qr::qr_svg(text);
  if (!svg) throw ApiError(500, "internal", "cannot encode the QR code");
  return Response{200, "image/svg+xml", std::move(*svg), {}, false};
}

// A consent given in the app: from the client's address, with the
// version of the wording it showed.
core::ConsentContext consent_from_app(const Call& call, std::optional<std::string> notice) {
  return {.source = "app",
          .address = call.client_address(),
          .actor = std::nullopt,
          .notice = std::move(notice),
          .note = std::nullopt};
}

json me_json(Call& call) {
  auto profile = unwrap(call.backend.profiles->get(call.who().store_id, call.who().member_id));
  auto points = unwrap(call.backend.points->summary(profile.member.code));
  json j = profile_json(call, profile);
  j["points"] = points.balance;
  j["points_expiring"] = points_expiring_json(points.expiring);
  return j;
}

Response get_me(Call& call) { return json_response(me_json(call)); }

Response patch_me(Call& call) {
  JsonBody body(call.request);
  // What a member may change; the rest is the shop's (points by adjustment,
  // store and code never).
  body.only({"name", "email", "phone", "birth_date", "password", "current_password", "language", "promo_pushes"},
            {"points", "store", "code", "role", "id", "created_at", "points_expiring"});
  core::ProfilePatch patch;
  patch.name = body.string("name", false, 100);
  patch.email = body.string("email", false, 254);
  patch.phone = body.string("phone", false, 20);
  patch.birth_date = body.string("birth_date", false, 10);
  patch.lang = body.string("language", false, 2);
  // Kept from before consents had their own path: the push_promo channel,
  // recorded as the member's choice in the app (consent_from_app).
  auto promo_pushes = body.boolean("promo_pushes", false);
  auto password = body.string("password", false, 1024);
  auto current = body.string("current_password", false, 1024);
  if (password && !current) throw bad_request("changing the password needs current_password too");
  if (!password && current) throw bad_request("current_password is only for changing the password");
  // A phone or email already taken says so (409): each try counts against
  // the per-address limit, like a registration; checked before anything
  // changes (a password change counts the address itself).
  if ((patch.phone || patch.email) && !password) unwrap(call.backend.auth->admit_address(call.client_address()));
  if (password) unwrap(call.backend.auth->change_password(call.who(), *current, *password, call.client_address()));
  if (patch.name || patch.email || patch.phone || patch.birth_date || patch.lang) {
    unwrap(call.backend.profiles->update_own(call.who().store_id, call.who().member_id, patch));
  }
  if (promo_pushes) {
    unwrap(call.backend.consents->record(call.who().store_id, call.who().member_id, {{"push_promo", *promo_pushes}},
                                         consent_from_app(call, std::nullopt)));
  }
  return json_response(me_json(call));
}

Response my_consents(Call& call) {
  auto v = unwrap(call.backend.consents->view(call.who().store_id, call.who().member_id));
  return json_response(core::consent_view_json(v, call.who().store_id, call.rules.get()));
}

// {"push_promo": true, "notice": "promo-2026-12"}: each channel named
// becomes what it says, recorded with when, the client's address and the
// version of the wording the app showed.
Response patch_my_consents(Call& call) {
  JsonBody body(call.request);
  std::vector<core::ConsentChange> changes;
  for (const auto& [key, value] : body.json().items()) {
    if (key == "notice") continue;
    if (!core::is_consent_channel(key)) {
      throw bad_request("'" + key + "' is no consent channel: push_promo (and notice, the wording's version)");
    }
    changes.push_back({key, *body.boolean(key, true)});
  }
  auto notice = body.string("notice", false, 100);
  auto v = unwrap(call.backend.consents->record(call.who().store_id, call.who().member_id, changes,
                                                consent_from_app(call, notice)));
  return json_response(core::consent_view_json(v, call.who().store_id, call.rules.get()));
}

Response my_export(Call& call) {
  auto doc =
      unwrap(call.backend.data_rights->export_member(call.who().store_id, call.who().member_id, call.base_url()));
  Response res = json_response(doc);
  // A copy of everything about a person: offered as a file, never cached.
  res.headers.emplace_back("Content-Disposition", "attachment; filename=\"setia-" + call.who().member_code + ".json\"");
  res.headers.emplace_back("Cache-Control", "no-store");
  return res;
}

// The member's erasure (docs/privacy.md, "Erasure"): their password, and
// "forfeit_points": true when points would lapse. The token ends with it.
Response erase_me(Call& call) {
  JsonBody body(call.request);
  body.only({"current_password", "forfeit_points"});
  core::OwnErasure request{.current_password = *body.string("current_password", true, 1024),
                           .forfeit_points = body.boolean("forfeit_points", false).value_or(false),
                           .address = call.client_address()};
  auto e = unwrap(call.backend.data_rights->erase_own(call.who(), request));
  return json_response(core::erasure_json(e, call.rules.get()));
}

Response my_qr(Call& call, bool png) { return qr_response(call, call.who().member_code, png); }

Response my_points(Call& call) {
  auto page = page_request(call);
  std::optional<long long> before;
  if (page.after) before = page.after->a;
  auto h = unwrap(call.backend.points->history(call.who().member_code, page.limit, before));
  core::Page<core::PointsHistoryItem> p{std::move(h.items), std::nullopt};
  if (h.next_cursor) p.next = core::Cursor{*h.next_cursor, 0};
  return json_response(page_json(p, points_entry_json));
}

Response my_transactions(Call& call) {
  auto p = unwrap(call.backend.reads->transactions(call.who().store_id, call.who().member_id, page_request(call)));
  return json_response(page_json(p, [&](const auto& t) { return transaction_summary_json(call, t); }));
}

std::string enota_path(long long id) { return "/v1/me/transactions/" + std::to_string(id) + "/enota.html"; }

Response my_transaction(Call& call) {
  long long id = path_id(call, "id", "transaction");
  auto t = unwrap(call.backend.reads->transaction(id, call.who().member_id, call.who().store_id));
  return json_response(transaction_json(call, t, enota_path(id)));
}

// "27/05/2020 11:11" on the store's clock, as the paper receipt prints it.
std::string receipt_time(const rules::RuleSet* rs, std::int64_t at) {
  auto local = rules::to_local(rs ? rs->zone : nullptr, at);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02d/%02d/%04d %02d:%02d", local.date.day, local.date.month, local.date.year,
                local.minute / 60, local.minute % 60);
  return buf;
}

Response my_enota(Call& call) {
  long long id = path_id(call, "id", "transaction");
  auto t = unwrap(call.backend.reads->transaction(id, call.who().member_id, call.who().store_id));
  const auto* rs = call.store_rules(t.summary.store_id);
  domain::Receipt r;
  if (rs) {
    r.header = rs->enota.header;
    r.footer = rs->enota.footer;
  }
  r.receipt_no = t.summary.receipt_no;
  r.local_time = receipt_time(rs, t.summary.at);
  r.table = t.table;
  r.service = t.service;
  r.customer = t.customer;
  r.cashier = t.cashier;
  for (const auto& l : t.lines) r.lines.push_back({l.name, l.qty, l.unit_price, l.amount});
  r.subtotal = t.subtotal;
  r.discount = t.discount;
  r.service_charge = t.service_charge;
  r.tax = t.tax;
  r.total = t.summary.total;
  r.paid = t.paid;
  r.change = t.change;
  r.payment_method = t.payment_method;
  r.points_earned = t.summary.points_earned;
  // The QR links back to this page, so a scan (or a tap) opens it again.
  r.url = call.base_url() + enota_path(id);
  auto qr = qr::qr_svg(r.url);
  Response res{200, "text/html; charset=utf-8", enota::render_html(r, qr ? *qr : ""), {}, false};
  return res;
}

Response my_vouchers(Call& call) {
  auto p = unwrap(call.backend.reads->vouchers(call.who().store_id, call.who().member_id, page_request(call)));
  return json_response(page_json(p, [&](const auto& v) { return voucher_json(call, v); }));
}

Response my_voucher_qr(Call& call, bool png) {
  auto v = unwrap(call.backend.reads->voucher(call.who().store_id, call.who().member_id, call.param("code")));
  return qr_response(call, v.voucher.code, png);
}

Response add_device(Call& call) {
  JsonBody body(call.request);
  body.only({"token", "platform"});
  auto token = *body.string("token", true, 4096);
  auto platform = body.string("platform", false, 10).value_or("android");
  unwrap(call.backend.profiles->add_device(call.who().store_id, call.who().member_id, token, platform));
  return json_response({{"token", token}, {"platform", platform}}, 201);
}

Response remove_device(Call& call) {
  unwrap(call.backend.profiles->remove_device(call.who().store_id, call.who().member_id, call.param("token")));
  return Response{204, "application/json", "", {}, false};
}

Response my_notifications(Call& call) {
  auto p = unwrap(call.backend.reads->notifications(call.who().store_id, call.who().member_id, page_request(call)));
  return json_response(page_json(p, [&](const auto& n) { return notification_json(call, n); }));
}

}  // namespace

void add_member_routes(Router& r) {
  r.add("GET", "/v1/me", Access::member, get_me);
  r.add("PATCH", "/v1/me", Access::member, patch_me);
  r.add("DELETE", "/v1/me", Access::member, erase_me);
  r.add("GET", "/v1/me/export", Access::member, my_export);
  r.add("GET", "/v1/me/consents", Access::member, my_consents);
  r.add("PATCH", "/v1/me/consents", Access::member, patch_my_consents);
  r.add("GET", "/v1/me/qr.svg", Access::member, [](Call& c) { return my_qr(c, false); });
  r.add("GET", "/v1/me/qr.png", Access::member, [](Call& c) { return my_qr(c, true); });
  r.add("GET", "/v1/me/points", Access::member, my_points);
  r.add("GET", "/v1/me/transactions", Access::member, my_transactions);
  r.add("GET", "/v1/me/transactions/{id}", Access::member, my_transaction);
  r.add("GET", "/v1/me/transactions/{id}/enota.html", Access::member, my_enota);
  r.add("GET", "/v1/me/vouchers", Access::member, my_vouchers);
  r.add("GET", "/v1/me/vouchers/{code}/qr.svg", Access::member, [](Call& c) { return my_voucher_qr(c, false); });
  r.add("GET", "/v1/me/vouchers/{code}/qr.png", Access::member, [](Call& c) { return my_voucher_qr(c, true); });
  r.add("POST", "/v1/me/devices", Access::member, add_device);
  r.add("DELETE", "/v1/me/devices/{token}", Access::member, remove_device);
  r.add("GET", "/v1/me/notifications", Access::member, my_notifications);
}

}  // namespace setia::adapters::rest
