#include "rules/reservation_slots.h"

#include <algorithm>

#include "rules/store_time.h"

namespace setia::rules {
namespace {

std::unexpected<SlotRefusal> refuse(std::string code, std::string message) {
  return std::unexpected(SlotRefusal{std::move(code), std::move(message)});
}

}  // namespace

int peak_seats(const std::vector<Booked>& booked, std::int64_t from, std::int64_t to) {
  auto held_at = [&](std::int64_t t) {
    int seats = 0;
    for (const auto& b : booked) {
      if (b.starts_at <= t && t < b.ends_at) seats += b.party;
    }
    return seats;
  };
  int peak = held_at(from);
  for (const auto& b : booked) {
    if (b.starts_at > from && b.starts_at < to) peak = std::max(peak, held_at(b.starts_at));
  }
  return peak;
}

std::expected<TimeWindow, SlotRefusal> check_day(const Reservations& r, const date::time_zone* zone, LocalDate day,
                                                 int party, std::int64_t now) {
  if (party < 1 || party > r.max_party) {
    return refuse("party_size",
                  "party must be 1 to " + std::to_string(r.max_party) + " people, got " + std::to_string(party));
  }
  const auto last_day = add_days(to_local(zone, now).date, r.horizon_days);
  if (day > last_day) {
    return refuse("too_far", "reservations are taken up to " + std::to_string(r.horizon_days) + " days ahead (until " +
                                 last_day.to_string() + ")");
  }
  const auto hours = hours_on(r, day);
  if (!hours) return refuse("closed", "the store is closed on " + day.to_string());
  if (hours->end - hours->start < r.stay_minutes) {
    return refuse("closed", "no stay fits the opening hours on " + day.to_string());
  }
  return *hours;
}

std::expected<SlotTime, SlotRefusal> check_slot(const Reservations& r, const date::time_zone* zone, LocalDate day,
                                                int minute, int party, std::int64_t now) {
  auto hours = check_day(r, zone, day, party, now);
  if (!hours) return std::unexpected(hours.error());
  const int last = hours->end - r.stay_minutes;
  if (minute < hours->start || minute > last || (minute - hours->start) % r.slot_minutes != 0) {
    return refuse("not_a_slot", "reservations on " + day.to_string() + " start every " +
                                    std::to_string(r.slot_minutes) + " minutes from " + format_clock(hours->start) +
                                    " to " + format_clock(last) + ", got " + format_clock(minute));
  }
  const auto starts_at = to_unix(zone, day, minute);
  if (starts_at < now + std::int64_t{r.lead_minutes} * 60) {
    return refuse("too_soon",
                  "a reservation starts at least " + std::to_string(r.lead_minutes) + " minutes after it is made");
  }
  // On the wall clock the stay ends by closing (checked above); across a
  // daylight-saving jump the instants may disagree, and the instants win.
  const std::int64_t ends_at = starts_at + std::int64_t{r.stay_minutes} * 60;
  if (ends_at > to_unix(zone, day, hours->end)) {
    return refuse("not_a_slot",
                  "a stay from " + format_clock(minute) + " on " + day.to_string() + " would end after closing");
  }
  return SlotTime{starts_at, ends_at};
}

std::vector<FreeSlot> free_slots(const Reservations& r, const date::time_zone* zone, LocalDate day, int party,
                                 std::int64_t now, const std::vector<Booked>& booked) {
  std::vector<FreeSlot> out;
  const auto hours = hours_on(r, day);
  if (!hours || r.slot_minutes <= 0) return out;
  for (int minute = hours->start; minute + r.stay_minutes <= hours->end; minute += r.slot_minutes) {
    auto slot = check_slot(r, zone, day, minute, party, now);
    if (!slot) continue;
    const int free = r.seats - peak_seats(booked, slot->starts_at, slot->ends_at);
    if (free >= party) out.push_back({minute, slot->starts_at, slot->ends_at, free});
  }
  return out;
}

}  // namespace setia::rules
