#pragma once

// Table reservations in memory, with the seat check PgReservationStore
// makes under the store's lock (rules::peak_seats over the stay), and the
// notifications it would queue counted.

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/ports/reservation_store.h"
#include "rules/reservation_slots.h"
#include "tests/fakes/keyset_page.h"

namespace setia::core::fakes {

class FakeReservations final : public ReservationStore {
 public:
  std::vector<Reservation> rows;                                  // by id
  std::map<long long, std::pair<std::string, std::string>> members;  // id -> code, name (the Pg store joins them)
  std::int64_t now = 0;                                           // created_at of what is booked
  int notifications = 0;                                          // to members and admins

  std::expected<std::vector<domain::Booked>, StoreError> held(const std::string& store, std::int64_t from,
                                                              std::int64_t to) override {
    std::vector<domain::Booked> out;
    for (const auto& r : rows) {
      if (r.store_id == store && r.status != "cancelled" && r.starts_at < to && r.ends_at > from) {
        out.push_back({r.starts_at, r.ends_at, r.party});
      }
    }
    return out;
  }
  std::expected<Booking, StoreError> book(const NewReservation& n, int seats, int max_open_per_member,
                                          int max_seats_per_member_day, std::int64_t at, bool notify_admins) override {
    int open = 0, seated = 0;
    for (const auto& r : rows) {
      // A guest's bookings (member 0, taken by the shop) count for nobody.
      const bool held =
          n.member_id != 0 && r.member_id == n.member_id && (r.status == "pending" || r.status == "confirmed");
      open += held && r.ends_at > at;
      seated += held && r.store_id == n.store_id && r.date == n.date ? r.party : 0;
    }
    if (open >= max_open_per_member) return Booking{.refused = Booking::Refused::member_limit};
    if (seated + n.party > max_seats_per_member_day) return Booking{.refused = Booking::Refused::member_day_seats};
    auto booked = held(n.store_id, n.starts_at, n.ends_at);
    if (rules::peak_seats(*booked, n.starts_at, n.ends_at) + n.party > seats) {
      return Booking{.refused = Booking::Refused::full};
    }
    Reservation r{.id = static_cast<long long>(rows.size()) + 1,
                  .store_id = n.store_id,
                  .member_id = n.member_id,
                  .member_code = members[n.member_id].first,
                  .member_name = members[n.member_id].second,
                  .party = n.party,
                  .starts_at = n.starts_at,
                  .ends_at = n.ends_at,
                  .created_at = now,
                  .date = n.date,
                  .time = n.time,
                  .note = n.note,
                  .status = "pending"};
    rows.push_back(r);
    if (notify_admins) ++notifications;
    return Booking{.reservation = r};
  }
  std::expected<std::optional<Reservation>, StoreError> find(const std::optional<std::string>& store,
                                                             long long id) override {
    if (id < 1 || id > static_cast<long long>(rows.size())) return std::nullopt;
    const Reservation& r = rows[static_cast<std::size_t>(id - 1)];
    if (store && r.store_id != *store) return std::nullopt;
    return r;
  }
  std::expected<Page<Reservation>, StoreError> of_member(const std::string& store, long long member_id,
                                                         PageRequest page) override {
    std::vector<Reservation> mine;
    for (const auto& r : rows) {
      if (r.store_id == store && r.member_id == member_id) mine.push_back(r);
    }
    std::sort(mine.begin(), mine.end(),
              [](const auto& x, const auto& y) { return std::pair(x.starts_at, x.id) > std::pair(y.starts_at, y.id); });
    return keyset_page(mine, page, [](const Reservation& r) { return Cursor{r.starts_at, r.id}; });
  }
  std::expected<std::vector<Reservation>, StoreError> on_day(const std::string& store,
                                                             const std::string& date) override {
    std::vector<Reservation> day;
    for (const auto& r : rows) {
      if (r.store_id == store && r.date == date) day.push_back(r);
    }
    std::sort(day.begin(), day.end(),
              [](const auto& x, const auto& y) { return std::pair(x.starts_at, x.id) < std::pair(y.starts_at, y.id); });
    return day;
  }
  std::expected<std::optional<Reservation>, StoreError> set_status(const std::string& store, long long id,
                                                                   const std::string& status, bool notify_member,
                                                                   bool notify_admins) override {
    if (id < 1 || id > static_cast<long long>(rows.size())) return std::nullopt;
    Reservation& r = rows[static_cast<std::size_t>(id - 1)];
    if (r.store_id != store) return std::nullopt;
    if (r.status != "cancelled" && r.status != status) {
      r.status = status;
      notifications += (notify_member ? 1 : 0) + (notify_admins ? 1 : 0);
    }
    return r;
  }
};

}  // namespace setia::core::fakes
