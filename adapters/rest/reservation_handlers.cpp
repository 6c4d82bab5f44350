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

// One line of text (shown on the admins' screens, stored in PostgreSQL,
// which refuses U+0000), or none when empty.
std::optional<std::string> one_line(std::optional<std::string> text, const std::string& field) {
  if (text && text->empty()) text.reset();
  if (text && std::any_of(text->begin(), text->end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; })) {
    throw bad_request(field + " must be one line without control characters");
  }
  return text;
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
  auto note = one_line(body.string("note", false, 200), "note");
  const auto& who = call.who();
  auto r = unwrap(call.backend.reservations->book(who.store_id, who.member_id, date, time, party, note));
  return json_response({{"reservation", reservation_json(call, r)}}, 201);
}

Response mine(Call& call) {
  auto page =
      unwrap(call.backend.reservations->of_member(call.who().store_id, call.who().member_id, page_request(call)));
  return json_response(page_json(page, [&](const auto& r) { return reservation_json(call, r); }));
}

Response cancel_mine(Call& call) {
  unwrap(call.backend.reservations->cancel_by_member(call.who().store_id, call.who().member_id,
                                                     path_id(call, "id", "reservation")));
  return Response{204, "application/json", "", {}, false};
}

// The day's reservations (cancelled ones too) and, when the store takes
// reservations, its starts with the seats held at each: the console's
// timeline.
Response admin_day(Call& call) {
  auto store = *admin_store(call, true);
  auto day = unwrap(call.backend.reservations->admin_day(store, query(call, "date")));
  json items = json::array();
  for (const auto& r : day.reservations) items.push_back(reservation_json(call, r));
  json slots = json::array();
  for (const auto& s : day.slots) {
    slots.push_back({{"time", rules::format_clock(s.minute)},
                     {"starts_at", call.time(s.starts_at, store)},
                     {"held", s.held},
                     {"free", std::max(0, day.seats - s.held)}});
  }
  // One store's day: a short list, never paginated.
  return json_response({{"items", items},
                        {"next_cursor", nullptr},
                        {"date", day.date},
                        {"takes_reservations", day.takes_reservations},
                        {"closed", day.closed},
                        {"seats", day.seats},
                        {"slot_minutes", day.slot_minutes},
                        {"stay_minutes", day.stay_minutes},
                        {"slots", slots}});
}

// A booking the shop takes by phone or at the counter: for a member (by
// code) or a guest ({"guest": {"name", "phone"}}), with the app's checks
// but no lead time.
Response admin_book(Call& call) {
  auto store = *admin_store(call, true);
  JsonBody body(call.request);
  body.only({"date", "time", "party", "note", "member", "guest"});
  auto date = *body.string("date", true, 10);
  auto time = *body.string("time", true, 5);
  auto party = static_cast<int>(*body.integer("party", true, 1, 1000));
  auto note = one_line(body.string("note", false, 200), "note");
  auto member = body.string("member", false, 64);
  core::BookingFor who;
  const auto& j = body.json();
  const bool has_guest = j.contains("guest") && !j["guest"].is_null();
  if (member.has_value() == has_guest) throw bad_request("give either member (a member code) or guest {name, phone}");
  if (member) {
    who.member_id = unwrap(call.backend.reads->member(store, *member)).member.id;
  } else {
    if (!j["guest"].is_object()) throw bad_request("guest must be an object {name, phone}");
    JsonBody guest(j["guest"]);
    guest.only({"name", "phone"});
    who.guest_name = one_line(guest.string("name", true, 100), "guest.name");
    if (!who.guest_name) throw bad_request("guest.name must not be empty");
    who.guest_phone = one_line(guest.string("phone", false, 20), "guest.phone");
  }
  auto r = unwrap(call.backend.reservations->book_for(store, who, date, time, party, note));
  return json_response({{"reservation", reservation_json(call, r)}}, 201);
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
  r.add("POST", "/v1/admin/reservations", Access::admin, admin_book);
  r.add("POST", "/v1/admin/reservations/{id}/confirm", Access::admin, admin_confirm);
  r.add("POST", "/v1/admin/reservations/{id}/cancel", Access::admin, admin_cancel);
}

}  // namespace setia::adapters::rest
