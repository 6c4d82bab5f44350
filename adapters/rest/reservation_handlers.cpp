// Table reservations (core/services/reservations.h): a member's store's
// free starts, their own reservations (book, list, cancel), and an admin's
// day (list, confirm, cancel).
#include <algorithm>
#include <charconv>

#include "adapters/rest/admin_scope.h"
#include "adapters/rest/http_errors.h"
#include "adapters/rest/json_body.h"
#include "adapters/rest/pagination.h"
#include "adapters/rest/rest_api.h"
#include "core/services/member_json.h"
#include "rules/civil_time.h"

namespace setia::adapters::rest {
namespace {

using nlohmann::json;

json reservation_json(const Call& call, const core::Reservation& r) {
  return core::reservation_json(r, call.rules.get());  // the member's export shows them alike
}

std::string query(const Call& call, const std::string& key) {
  auto it = call.query.find(key);
  if (it == call.query.end() || it->second.empty()) throw bad_request("?" + key + "= is required");
  return it->second;
}

int party_query(const Call& call) {
  const auto s = query(call, "party");
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) throw bad_request("?party= must be a number of people");
  return v;
}

Response availability(Call& call) {
  const auto& store = call.who().store_id;
  auto a = unwrap(call.backend.reservations->availability(store, query(call, "date"), party_query(call)));
  json slots = json::array();
  for (const auto& s : a.slots) {
    slots.push_back({{"time", rules::format_clock(s.minute)},
                     {"starts_at", call.time(s.starts_at, store)},
                     {"ends_at", call.time(s.ends_at, store)},
                     {"free_seats", s.free_seats}});
  }
  return json_response(
      {{"store", a.store}, {"date", a.date}, {"party", a.party}, {"closed", a.closed}, {"slots", slots}});
}

Response book(Call& call) {
  JsonBody body(call.request);
  body.only({"date", "time", "party", "note"});
  auto date = *body.string("date", true, 10);
  auto time = *body.string("time", true, 5);
  auto party = static_cast<int>(*body.integer("party", true, 1, 1000));
  auto note = body.string("note", false, 200);
  if (note && note->empty()) note.reset();
  // Shown on the admins' screens, stored in PostgreSQL (which refuses
  // U+0000): one line of text.
  if (note && std::any_of(note->begin(), note->end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; })) {
    throw bad_request("note must be one line without control characters");
  }
  const auto& who = call.who();
  auto r = unwrap(call.backend.reservations->book(who.store_id, who.member_id, date, time, party, note));
  return json_response({{"reservation", reservation_json(call, r)}}, 201);
}

Response mine(Call& call) {
  auto page = unwrap(call.backend.reservations->of_member(call.who().member_id, page_request(call)));
  return json_response(page_json(page, [&](const auto& r) { return reservation_json(call, r); }));
}

Response cancel_mine(Call& call) {
  unwrap(call.backend.reservations->cancel_by_member(call.who().member_id, path_id(call, "id", "reservation")));
  return Response{204, "application/json", "", {}, false};
}

Response admin_day(Call& call) {
  auto store = *admin_store(call, true);
  auto list = unwrap(call.backend.reservations->on_day(store, query(call, "date")));
  json items = json::array();
  for (const auto& r : list) items.push_back(reservation_json(call, r));
  // One store's day: a short list, never paginated.
  return json_response({{"items", items}, {"next_cursor", nullptr}});
}

Response admin_confirm(Call& call) {
  auto r = unwrap(call.backend.reservations->confirm(admin_store(call, false), path_id(call, "id", "reservation")));
  return json_response({{"reservation", reservation_json(call, r)}});
}

Response admin_cancel(Call& call) {
  auto r =
      unwrap(call.backend.reservations->cancel_by_admin(admin_store(call, false), path_id(call, "id", "reservation")));
  return json_response({{"reservation", reservation_json(call, r)}});
}

}  // namespace

void add_reservation_routes(Router& r) {
  r.add("GET", "/v1/reservations/availability", Access::member, availability);
  r.add("POST", "/v1/me/reservations", Access::member, book);
  r.add("GET", "/v1/me/reservations", Access::member, mine);
  r.add("DELETE", "/v1/me/reservations/{id}", Access::member, cancel_mine);
  r.add("GET", "/v1/admin/reservations", Access::admin, admin_day);
  r.add("POST", "/v1/admin/reservations/{id}/confirm", Access::admin, admin_confirm);
  r.add("POST", "/v1/admin/reservations/{id}/cancel", Access::admin, admin_cancel);
}

}  // namespace setia::adapters::rest
