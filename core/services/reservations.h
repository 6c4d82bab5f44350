#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <vector>

#include "core/ports/clock.h"
#include "core/ports/reservation_store.h"
#include "core/services/rules_source.h"
#include "core/services/service_error.h"
#include "rules/reservation_slots.h"

namespace setia::core {

// Who a booking the shop takes (by phone, at the counter) is for: a member
// of the store, or a guest by name and phone.
struct BookingFor {
  long long member_id = 0;  // 0: a guest
  std::optional<std::string> guest_name, guest_phone;
};

// One start of a store's day as the admins see it: the seats its stay
// would find held at the busiest moment.
struct DaySlot {
  int minute = 0;  // after local midnight
  std::int64_t starts_at = 0;
  int held = 0;
};

// A store's day for the admins: its reservations (cancelled ones too) and
// its starts with the seats held.
struct AdminDay {
  std::string date;
  bool takes_reservations = false;  // the rule file has `reservations`
  bool closed = false;
  int seats = 0, slot_minutes = 0, stay_minutes = 0;
  std::vector<DaySlot> slots;
  std::vector<Reservation> reservations;
};

// A day's free starts for a party, as the app shows them.
struct Availability {
  std::string store;
  std::string date;  // YYYY-MM-DD, store-local
  int party = 0;
  bool closed = false;  // closed that day (or no stay fits its hours)
  std::vector<rules::FreeSlot> slots;
};

// Table reservations under the store's `reservations` rules
// (rules/reservation_slots.h says when a start is allowed and how seats
// are counted). Members book, list and cancel their own; admins list a
// day and confirm or cancel. Refusals (ServiceError::reason): invalid
// (400) for malformed input; no_reservations, closed, not_a_slot,
// too_soon, too_far, party_size, past (422); slot_full, too_many_reservations, cancelled (409);
// not_found (404). One per thread (it holds a thread's store).
class Reservations {
 public:
  Reservations(ReservationStore& store, RulesSource rules, const Clock& clock)
      : store_(store), rules_(std::move(rules)), clock_(clock) {}

  std::expected<Availability, ServiceError> availability(const std::string& store, const std::string& date, int party);
  std::expected<Reservation, ServiceError> book(const std::string& store, long long member_id, const std::string& date,
                                                const std::string& time, int party,
                                                const std::optional<std::string>& note);
  // Of member `member_id` of `store` (the member's store).
  std::expected<Page<Reservation>, ServiceError> of_member(const std::string& store, long long member_id,
                                                           PageRequest page);
  // The member's own, before it starts; cancelling twice is no error.
  std::expected<void, ServiceError> cancel_by_member(const std::string& store, long long member_id, long long id);

  // `scope`: the admin's store, or none for an admin of every store.
  std::expected<std::vector<Reservation>, ServiceError> on_day(const std::string& store, const std::string& date);
  // The day with its starts and the seats held at each.
  std::expected<AdminDay, ServiceError> admin_day(const std::string& store, const std::string& date);
  // A booking the shop takes for a member of `store` or a guest: the
  // member app's checks and seats, but no lead time (the start must not be
  // past) and, for a guest, no limit of open bookings.
  std::expected<Reservation, ServiceError> book_for(const std::string& store, const BookingFor& who,
                                                    const std::string& date, const std::string& time, int party,
                                                    const std::optional<std::string>& note);
  std::expected<Reservation, ServiceError> confirm(const std::optional<std::string>& scope, long long id);
  std::expected<Reservation, ServiceError> cancel_by_admin(const std::optional<std::string>& scope, long long id);

 private:
  std::int64_t now() const;
  std::expected<Reservation, ServiceError> book_slot(const std::string& store, const BookingFor& who,
                                                     const std::string& date, const std::string& time, int party,
                                                     const std::optional<std::string>& note, bool by_shop);
  std::expected<Reservation, ServiceError> in_scope(const std::optional<std::string>& scope, long long id);

  ReservationStore& store_;
  RulesSource rules_;
  const Clock& clock_;
};

}  // namespace setia::core
