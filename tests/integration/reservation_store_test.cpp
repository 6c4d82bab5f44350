// Reservations on real PostgreSQL, below the service: a status change
// never brings a cancelled reservation back (an admin's confirm that loses
// the race with the member's cancel), only a real change notifies, and a
// member's bookings are capped in number and in seats per day.
#include <gtest/gtest.h>

#include "adapters/postgres/pg_reservation_store.h"
#include "points_support.h"

namespace setia::it {
namespace {

class ReservationStore : public ::testing::Test {
 protected:
  bool migrated = (migrate_once(), true);  // before the member below
  std::unique_ptr<soci::session> sql = db();
  const std::string shop = unique("resto");
  TestMember m = new_member(*sql, shop);
  adapters::postgres::PgSession session{pg_conninfo()};
  adapters::postgres::PgReservationStore store{session};
};

TEST_F(ReservationStore, ACancelledReservationStaysCancelledAndIsAnnouncedOnce) {
  const std::int64_t at = at_offset(2031, 5, 10, 19, 0, 7);
  auto booked = store.book({.store_id = shop,
                            .member_id = m.id,
                            .party = 4,
                            .starts_at = at,
                            .ends_at = at + 5400,
                            .date = "2031-05-10",
                            .time = "19:00",
                            .note = std::nullopt},
                           10, 2, 20, at - 86400, true);
  ASSERT_TRUE(booked.has_value()) << booked.error().message;
  ASSERT_TRUE(booked->reservation.has_value());
  const long long id = booked->reservation->id;
  EXPECT_EQ(
      scalar(*sql, "SELECT count(*) FROM notifications WHERE kind = 'new_reservation' AND store_id = '" + shop + "'"),
      1);
  EXPECT_FALSE(scalar(*sql, "SELECT count(*) FROM notifications WHERE data ? 'member' AND store_id = '" + shop + "'"))
      << "no member name on the admins' topic";

  auto cancelled = store.set_status(shop, id, "cancelled", false, true);
  ASSERT_TRUE(cancelled && *cancelled);
  EXPECT_EQ((*cancelled)->status, "cancelled");
  auto confirmed = store.set_status(shop, id, "confirmed", true, false);
  ASSERT_TRUE(confirmed && *confirmed);
  EXPECT_EQ((*confirmed)->status, "cancelled") << "a cancelled reservation never comes back";
  auto again = store.set_status(shop, id, "cancelled", false, true);
  ASSERT_TRUE(again && *again);
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM notifications WHERE kind = 'reservation_cancelled' AND store_id = '" +
                             shop + "'"),
            1)
      << "told once";
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM notifications WHERE kind = 'reservation' AND store_id = '" + shop + "'"),
            0)
      << "the confirm that changed nothing told nobody";
  auto held = store.held(shop, at, at + 5400);
  ASSERT_TRUE(held.has_value());
  EXPECT_TRUE(held->empty()) << "a cancelled reservation holds no seats";
}

// A member's bookings not yet over count against max_open_per_member, on
// the database, under the store's lock; a cancelled or ended one does not.
TEST_F(ReservationStore, AMemberPastTheOpenBookingsCapIsRefused) {
  const std::int64_t at = at_offset(2031, 6, 1, 19, 0, 7);
  auto book = [&](int day, std::int64_t now) {
    return store.book({.store_id = shop,
                       .member_id = m.id,
                       .party = 2,
                       .starts_at = at + day * 86400,
                       .ends_at = at + day * 86400 + 5400,
                       .date = "2031-06-0" + std::to_string(day + 1),
                       .time = "19:00",
                       .note = std::nullopt},
                      10, 2, 20, now, false);
  };
  const std::int64_t before = at - 86400;
  auto first = book(0, before), second = book(1, before), third = book(2, before);
  ASSERT_TRUE(first && second && third);
  ASSERT_TRUE(first->reservation && second->reservation);
  EXPECT_FALSE(third->reservation);
  EXPECT_EQ(third->refused, core::ReservationStore::Booking::Refused::member_limit);
  ASSERT_TRUE(store.set_status(shop, first->reservation->id, "cancelled", false, false));
  auto fourth = book(3, before);
  ASSERT_TRUE(fourth);
  EXPECT_TRUE(fourth->reservation) << "a cancelled booking frees its place";
  // Open now: the second (day 1) and the fourth (day 3); full again.
  EXPECT_EQ(book(4, before)->refused, core::ReservationStore::Booking::Refused::member_limit);
  // Once the second has ended, it no longer counts.
  auto later = book(4, at + 86400 + 5400 + 1);
  ASSERT_TRUE(later);
  EXPECT_TRUE(later->reservation) << "a booking that is over frees its place";
}

// max_seats_per_member_day: the seats of a member's pending and confirmed
// bookings on one store-local day, the new party included; cancelled ones
// and other days do not count.
TEST_F(ReservationStore, AMemberPastTheSeatsOfADayIsRefused) {
  const std::int64_t at = at_offset(2031, 7, 1, 10, 0, 7);
  auto book = [&](const std::string& date, int hour, int party) {
    const std::int64_t start = at + (date == "2031-07-01" ? 0 : 86400) + (hour - 10) * 3600;
    return store.book({.store_id = shop,
                       .member_id = m.id,
                       .party = party,
                       .starts_at = start,
                       .ends_at = start + 3600,
                       .date = date,
                       .time = std::to_string(hour) + ":00",
                       .note = std::nullopt},
                      40, 5, 12, at - 86400, false);
  };
  using Refused = core::ReservationStore::Booking::Refused;
  auto lunch = book("2031-07-01", 12, 6), dinner = book("2031-07-01", 19, 6);
  ASSERT_TRUE(lunch && lunch->reservation && dinner && dinner->reservation);
  auto more = book("2031-07-01", 15, 1);
  ASSERT_TRUE(more);
  EXPECT_FALSE(more->reservation);
  EXPECT_EQ(more->refused, Refused::member_day_seats) << "12 seats that day already";
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM reservations WHERE member_id = " + std::to_string(m.id)), 2)
      << "nothing inserted";
  auto next_day = book("2031-07-02", 12, 12);
  ASSERT_TRUE(next_day);
  EXPECT_TRUE(next_day->reservation) << "another day counts on its own";
  ASSERT_TRUE(store.set_status(shop, dinner->reservation->id, "cancelled", false, false));
  auto after_cancel = book("2031-07-01", 15, 6);
  ASSERT_TRUE(after_cancel);
  EXPECT_TRUE(after_cancel->reservation) << "a cancelled booking frees its seats";
}

}  // namespace
}  // namespace setia::it
