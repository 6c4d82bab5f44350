#pragma once

#include <array>
#include <optional>
#include <vector>

#include "rules/civil_time.h"

namespace setia::rules {

// How the store takes table reservations.
struct Reservations {
  int seats = 0;          // seats that can be reserved at one time
  int slot_minutes = 30;  // a reservation starts on a multiple of this after opening
  int stay_minutes = 90;  // how long a reservation holds its seats
  int max_party = 10;     // the most people in one reservation (default: 10, or the seats if fewer)
  int lead_minutes = 60;  // the earliest start is this long after booking
  int horizon_days = 30;  // the latest start is this many days ahead
  int max_open_per_member = 2;  // a member's bookings not yet over (pending or confirmed); then no more
  // Seats a member's bookings (pending or confirmed) may hold on one
  // store-local day, together. A file that names none gets 2 × its
  // max_party (the reader); this default is that of the default max_party.
  int max_seats_per_member_day = 20;
  std::array<std::optional<TimeWindow>, 7> hours;  // by Weekday; none: closed that day
  std::vector<LocalDate> closed;                   // closed on these dates, sorted
  bool notify_admins = false;
};

// The store's opening hours on `day`, or none when it is closed that day.
std::optional<TimeWindow> hours_on(const Reservations& r, LocalDate day);

}  // namespace setia::rules
