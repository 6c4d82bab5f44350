#include "core/services/reservations.h"

#include <algorithm>

#include "rules/reservation_rules.h"
#include "rules/store_time.h"

namespace setia::core {
namespace {

using Kind = ServiceError::Kind;

std::unexpected<ServiceError> unavailable(const StoreError& e) {
  return fail(Kind::unavailable, e.message, "unavailable");
}

// The store's reservation rules, or why there are none.
std::expected<std::pair<std::shared_ptr<const rules::RuleSet>, const rules::Reservations*>, ServiceError> rules_of(
    const RulesSource& source, const std::string& store) {
  auto book = source ? source() : nullptr;
  const rules::RuleSet* rs = book ? book->for_store(store) : nullptr;
  if (!rs || !rs->reservations) {
    return fail(Kind::rule_says_no, "store '" + store + "' takes no reservations", "no_reservations");
  }
  // The book keeps the rule set alive while we use it.
  return std::pair{std::shared_ptr<const rules::RuleSet>(book, rs), &*rs->reservations};
}

std::expected<domain::LocalDate, ServiceError> date_of(const std::string& text) {
  auto d = domain::parse_date(text);
  if (!d) return fail(Kind::invalid, "date must be a real date as YYYY-MM-DD, got '" + text + "'", "invalid");
  return *d;
}

std::expected<int, ServiceError> party_of(int party) {
  if (party < 1 || party > 1000) {
    return fail(Kind::invalid, "party must be a number of people from 1 to 1000", "invalid");
  }
  return party;
}

}  // namespace

std::int64_t Reservations::now() const {
  return std::chrono::duration_cast<std::chrono::seconds>(clock_.now().time_since_epoch()).count();
}

std::expected<Availability, ServiceError> Reservations::availability(const std::string& store, const std::string& date,
                                                                     int party) {
  auto day = date_of(date);
  if (!day) return std::unexpected(day.error());
  if (auto p = party_of(party); !p) return std::unexpected(p.error());
  auto rules = rules_of(rules_, store);
  if (!rules) return std::unexpected(rules.error());
  const auto& [rs, r] = *rules;
  Availability out{.store = store, .date = day->to_string(), .party = party};
  // The same day checks as a booking; a closed day is an answer, not an error.
  auto hours = rules::check_day(*r, rs->zone, *day, party, now());
  if (!hours && hours.error().code == "closed") {
    out.closed = true;
    return out;
  }
  if (!hours) return fail(Kind::rule_says_no, hours.error().message, hours.error().code);
  // The seats held over the whole opening, then each start's peak.
  auto held =
      store_.held(store, rules::to_unix(rs->zone, *day, hours->start), rules::to_unix(rs->zone, *day, hours->end));
  if (!held) return unavailable(held.error());
  out.slots = rules::free_slots(*r, rs->zone, *day, party, now(), *held);
  return out;
}

std::expected<Reservation, ServiceError> Reservations::book(const std::string& store, long long member_id,
                                                            const std::string& date, const std::string& time, int party,
                                                            const std::optional<std::string>& note) {
  return book_slot(store, {.member_id = member_id, .guest_name = {}, .guest_phone = {}}, date, time, party, note,
                   false);
}

std::expected<Reservation, ServiceError> Reservations::book_for(const std::string& store, const BookingFor& who,
                                                                const std::string& date, const std::string& time,
                                                                int party, const std::optional<std::string>& note) {
  if (who.member_id == 0 && (!who.guest_name || who.guest_name->empty())) {
    return fail(Kind::invalid, "a booking is for a member (member) or a guest (guest_name, guest_phone)", "invalid");
  }
  return book_slot(store, who, date, time, party, note, true);
}

std::expected<Reservation, ServiceError> Reservations::book_slot(const std::string& store, const BookingFor& who,
                                                                 const std::string& date, const std::string& time,
                                                                 int party, const std::optional<std::string>& note,
                                                                 bool by_shop) {
  auto day = date_of(date);
  if (!day) return std::unexpected(day.error());
  auto minute = rules::parse_clock(time);
  if (!minute) return fail(Kind::invalid, "time must be \"HH:MM\" from 00:00 to 23:59, got '" + time + "'", "invalid");
  if (auto p = party_of(party); !p) return std::unexpected(p.error());
  auto rules = rules_of(rules_, store);
  if (!rules) return std::unexpected(rules.error());
  const auto& [rs, r] = *rules;
  // The lead time gives the shop notice of the app's bookings; one the
  // shop takes itself needs none, only a start that is not past.
  rules::Reservations checked = *r;
  if (by_shop) checked.lead_minutes = 0;
  auto slot = rules::check_slot(checked, rs->zone, *day, *minute, party, now());
  if (!slot) return fail(Kind::rule_says_no, slot.error().message, slot.error().code);
  NewReservation n{.store_id = store,
                   .member_id = who.member_id,
                   .guest_name = who.member_id ? std::nullopt : who.guest_name,
                   .guest_phone = who.member_id ? std::nullopt : who.guest_phone,
                   .party = party,
                   .starts_at = slot->starts_at,
                   .ends_at = slot->ends_at,
                   .date = day->to_string(),
                   .time = time,
                   .note = note};
  auto booked = store_.book(n, r->seats, r->max_open_per_member, r->max_seats_per_member_day, now(), r->notify_admins);
  if (!booked) return unavailable(booked.error());
  using Refused = ReservationStore::Booking::Refused;
  if (booked->refused == Refused::member_limit) {
    return fail(Kind::conflict,
                (by_shop ? "the member has " : "you have ") + std::to_string(r->max_open_per_member) +
                    " reservations coming up already: cancel one, or book this one after one of them",
                "too_many_reservations");
  }
  if (booked->refused == Refused::member_day_seats) {
    return fail(Kind::conflict,
                "a member's reservations may seat at most " + std::to_string(r->max_seats_per_member_day) +
                    " people on one day, and yours on " + n.date + " with this party of " + std::to_string(party) +
                    " would seat more: book fewer seats, cancel one, or choose another day",
                "too_many_seats");
  }
  if (booked->refused == Refused::full || !booked->reservation) {
    return fail(Kind::conflict,
                "no " + std::to_string(party) + " seats are free for the whole stay from " + time + " on " + n.date,
                "slot_full");
  }
  return *booked->reservation;
}

std::expected<Page<Reservation>, ServiceError> Reservations::of_member(const std::string& store, long long member_id,
                                                                       PageRequest page) {
  auto p = store_.of_member(store, member_id, page);
  if (!p) return unavailable(p.error());
  return std::move(*p);
}

std::expected<void, ServiceError> Reservations::cancel_by_member(const std::string& store, long long member_id,
                                                                 long long id) {
  auto r = store_.find(store, id);
  if (!r) return unavailable(r.error());
  // Another member's reservation answers as if there were none.
  if (!*r || (*r)->member_id != member_id) return fail(Kind::not_found, "no such reservation", "not_found");
  if ((*r)->status == "cancelled") return {};
  if ((*r)->starts_at <= now()) return fail(Kind::rule_says_no, "the reservation has started", "past");
  auto rules = rules_of(rules_, (*r)->store_id);
  const bool tell_admins = rules && rules->second->notify_admins;
  auto done = store_.set_status((*r)->store_id, id, "cancelled", false, tell_admins);
  if (!done) return unavailable(done.error());
  return {};
}

std::expected<std::vector<Reservation>, ServiceError> Reservations::on_day(const std::string& store,
                                                                           const std::string& date) {
  auto day = date_of(date);
  if (!day) return std::unexpected(day.error());
  auto list = store_.on_day(store, day->to_string());
  if (!list) return unavailable(list.error());
  return std::move(*list);
}

std::expected<AdminDay, ServiceError> Reservations::admin_day(const std::string& store, const std::string& date) {
  auto day = date_of(date);
  if (!day) return std::unexpected(day.error());
  AdminDay out{.date = day->to_string()};
  auto list = store_.on_day(store, out.date);
  if (!list) return unavailable(list.error());
  out.reservations = std::move(*list);
  auto rules = rules_of(rules_, store);
  if (!rules) return out;  // no reservations in the rules: the list alone (bookings made before)
  const auto& [rs, r] = *rules;
  out.takes_reservations = true;
  out.seats = r->seats;
  out.slot_minutes = r->slot_minutes;
  out.stay_minutes = r->stay_minutes;
  auto hours = rules::hours_on(*r, *day);
  if (!hours) {
    out.closed = true;
    return out;
  }
  std::vector<domain::Booked> held;
  for (const auto& b : out.reservations) {
    if (b.status != "cancelled") held.push_back({b.starts_at, b.ends_at, b.party});
  }
  for (int m = hours->start; m < hours->end; m += std::max(1, r->slot_minutes)) {
    const auto at = rules::to_unix(rs->zone, *day, m);
    out.slots.push_back({.minute = m, .starts_at = at, .held = rules::peak_seats(held, at, at + r->slot_minutes * 60)});
  }
  return out;
}

std::expected<Reservation, ServiceError> Reservations::in_scope(const std::optional<std::string>& scope, long long id) {
  auto r = store_.find(scope, id);
  if (!r) return unavailable(r.error());
  if (!*r || (scope && (*r)->store_id != *scope)) return fail(Kind::not_found, "no such reservation", "not_found");
  return **r;
}

std::expected<Reservation, ServiceError> Reservations::confirm(const std::optional<std::string>& scope, long long id) {
  auto r = in_scope(scope, id);
  if (!r) return r;
  if (r->status == "cancelled") return fail(Kind::conflict, "the reservation was cancelled", "cancelled");
  if (r->status == "confirmed") return r;
  auto done = store_.set_status(r->store_id, id, "confirmed", true, false);
  if (!done) return unavailable(done.error());
  if (!*done) return fail(Kind::not_found, "no such reservation", "not_found");
  // Cancelled by the member between the read above and the update.
  if ((*done)->status == "cancelled") return fail(Kind::conflict, "the reservation was cancelled", "cancelled");
  return **done;
}

std::expected<Reservation, ServiceError> Reservations::cancel_by_admin(const std::optional<std::string>& scope,
                                                                       long long id) {
  auto r = in_scope(scope, id);
  if (!r) return r;
  if (r->status == "cancelled") return r;
  auto done = store_.set_status(r->store_id, id, "cancelled", true, false);
  if (!done) return unavailable(done.error());
  if (!*done) return fail(Kind::not_found, "no such reservation", "not_found");
  return **done;
}

}  // namespace setia::core
