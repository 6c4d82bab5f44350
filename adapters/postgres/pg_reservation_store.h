#pragma once

#include <nlohmann/json.hpp>

#include "adapters/postgres/pg_session.h"
#include "core/ports/reservation_store.h"

namespace setia::adapters::postgres {

// core::ReservationStore over migrations/0012_reservations.sql. A booking
// takes a transaction-level advisory lock per store, reads the seats held
// during its stay and inserts only when they leave room (rules::peak_seats),
// so the seat count is checked by the same function as availability.
class PgReservationStore final : public core::ReservationStore {
 public:
  explicit PgReservationStore(PgSession& session) : session_(session) {}

  // core::ReservationStore
  std::expected<std::vector<domain::Booked>, core::StoreError> held(const std::string& store, std::int64_t from,
                                                                    std::int64_t to) override;
  std::expected<Booking, core::StoreError> book(const core::NewReservation& r, int seats, int max_open_per_member,
                                                int max_seats_per_member_day, std::int64_t now,
                                                bool notify_admins) override;
  std::expected<std::optional<core::Reservation>, core::StoreError> find(const std::optional<std::string>& store,
                                                                         long long id) override;
  std::expected<core::Page<core::Reservation>, core::StoreError> of_member(const std::string& store,
                                                                           long long member_id,
                                                                           core::PageRequest page) override;
  std::expected<std::vector<core::Reservation>, core::StoreError> on_day(const std::string& store,
                                                                         const std::string& date) override;
  std::expected<std::optional<core::Reservation>, core::StoreError> set_status(const std::string& store, long long id,
                                                                               const std::string& status,
                                                                               bool notify_member,
                                                                               bool notify_admins) override;

 private:
  PgSession& session_;
};

// A reservation's columns for json_rows (kReservationFrom joins
// reservations r and members m) and their reading; shared with
// PgMemberDataStore.
extern const char* const kReservationColumns;
extern const char* const kReservationFrom;
core::Reservation reservation_from_json(const nlohmann::json& row);

}  // namespace setia::adapters::postgres
