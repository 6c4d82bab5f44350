#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <vector>

#include "core/domain/booked.h"
#include "core/ports/page.h"
#include "core/ports/store_error.h"

namespace setia::core {

// A table reservation as stored.
struct Reservation {
  long long id = 0;
  std::string store_id;
  long long member_id = 0;  // 0: a guest's, taken by the shop (guest_name, guest_phone)
  std::string member_code, member_name;
  std::optional<std::string> guest_name, guest_phone;
  int party = 0;
  std::int64_t starts_at = 0, ends_at = 0, created_at = 0;  // unix seconds
  std::string date, time;                                   // store-local, "2026-12-05", "19:00"
  std::optional<std::string> note;
  std::string status;  // pending | confirmed | cancelled
};

struct NewReservation {
  std::string store_id;
  long long member_id = 0;  // 0: a guest's (the member limit does not apply)
  std::optional<std::string> guest_name, guest_phone;
  int party = 0;
  std::int64_t starts_at = 0, ends_at = 0;
  std::string date, time;
  std::optional<std::string> note;
};

// Reservations in the CRM store (migrations/0012_reservations.sql). Each
// call is one transaction. Not thread-safe: one per thread.
class ReservationStore {
 public:
  virtual ~ReservationStore() = default;
  // The seats held (pending and confirmed) by `store`'s reservations that
  // overlap [from, to).
  virtual std::expected<std::vector<domain::Booked>, StoreError> held(const std::string& store, std::int64_t from,
                                                                      std::int64_t to) = 0;
  // What book() did: the reservation, or why not.
  struct Booking {
    std::optional<Reservation> reservation;
    enum class Refused { no, full, member_limit, member_day_seats } refused = Refused::no;
  };
  // Inserts `r` when, under the store's lock, the member (a guest: any) has fewer than
  // `max_open_per_member` reservations not yet over (pending or confirmed,
  // ending after `now`), their pending and confirmed reservations on
  // `r.date` plus its party seat at most `max_seats_per_member_day`, and
  // the seats held during its stay plus its party are at most `seats`
  // (rules/reservation_slots.h, peak_seats). With `notify_admins`, a
  // 'new_reservation' notification to the store's admin topic in the same
  // transaction.
  virtual std::expected<Booking, StoreError> book(const NewReservation& r, int seats, int max_open_per_member,
                                                  int max_seats_per_member_day, std::int64_t now,
                                                  bool notify_admins) = 0;
  // Reservation `id` of `store` (nullopt: of any store, for an operator,
  // whose scope is every store).
  virtual std::expected<std::optional<Reservation>, StoreError> find(const std::optional<std::string>& store,
                                                                     long long id) = 0;
  // A member's reservations (in the member's store), newest start first.
  virtual std::expected<Page<Reservation>, StoreError> of_member(const std::string& store, long long member_id,
                                                                 PageRequest page) = 0;
  // A store's reservations on its local `date` (YYYY-MM-DD), by start,
  // cancelled ones included.
  virtual std::expected<std::vector<Reservation>, StoreError> on_day(const std::string& store,
                                                                     const std::string& date) = 0;
  // Sets the status unless it is 'cancelled' already (a cancelled
  // reservation never comes back: its seats may be taken), in one
  // transaction with a 'reservation' notification to its member
  // (`notify_member`) and a 'reservation_cancelled' one to the store's
  // admin topic (`notify_admins`), sent only when the status changed.
  // Returns the reservation as it is afterwards; nullopt: no such one in
  // `store` (the reservation's, found before).
  virtual std::expected<std::optional<Reservation>, StoreError> set_status(const std::string& store, long long id,
                                                                           const std::string& status,
                                                                           bool notify_member, bool notify_admins) = 0;
};

}  // namespace setia::core
