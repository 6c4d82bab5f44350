#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <vector>

#include "rules/civil_time.h"
#include "rules/reservation_rules.h"

#include "core/domain/booked.h"

namespace date {
class time_zone;
}

namespace setia::rules {

using domain::Booked;

// The most seats `booked` hold at one instant within [from, to). Seats are
// held from a reservation's start to its end, so the peak is at `from` or at
// a start inside the range.
int peak_seats(const std::vector<Booked>& booked, std::int64_t from, std::int64_t to);

// Why a reservation cannot be made. `code` is stable (the REST error code),
// `message` says what was expected.
struct SlotRefusal {
  std::string code;  // party_size, too_far, closed, not_a_slot, too_soon
  std::string message;
};

// The instants a reservation covers.
struct SlotTime {
  std::int64_t starts_at = 0;
  std::int64_t ends_at = 0;
};

// Whether `party` people may reserve on the store-local `day` at all,
// asked at `now`: 1 <= party <= max_party, the day at most horizon_days
// after today (store-local), open, and long enough for one stay. The day's
// opening hours, or why not.
std::expected<TimeWindow, SlotRefusal> check_day(const Reservations& r, const date::time_zone* zone, LocalDate day,
                                                 int party, std::int64_t now);

// Whether `party` people may reserve at `minute` (after local midnight) on
// the store-local `day`, asked at `now`: the day is open and not closed, the
// start is on a slot (opening + k * slot_minutes) and the stay ends by
// closing, the start is at least lead_minutes after `now` and its day at
// most horizon_days after today (store-local), and 1 <= party <= max_party.
// `zone`: the store's (nullptr: UTC). Seats are not checked here.
std::expected<SlotTime, SlotRefusal> check_slot(const Reservations& r, const date::time_zone* zone, LocalDate day,
                                                int minute, int party, std::int64_t now);

// A start on a day with the seats still free there.
struct FreeSlot {
  int minute = 0;  // after local midnight
  std::int64_t starts_at = 0;
  std::int64_t ends_at = 0;
  int free_seats = 0;  // seats minus the peak held during the stay
};

// The starts on `day` that check_slot accepts for `party` at `now` and
// where `party` seats are free during the whole stay, given `booked`
// (the day's reservations that hold seats). Empty when the day is closed.
std::vector<FreeSlot> free_slots(const Reservations& r, const date::time_zone* zone, LocalDate day, int party,
                                 std::int64_t now, const std::vector<Booked>& booked);

}  // namespace setia::rules
