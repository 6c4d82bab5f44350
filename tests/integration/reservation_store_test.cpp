// Reservations on real PostgreSQL, below the service: a status change
// never brings a cancelled reservation back (an admin's confirm that loses
// the race with the member's cancel), and only a real change notifies.
#include <gtest/gtest.h>

#include "adapters/postgres/pg_reservation_store.h"
#include "points_support.h"

namespace setia::it {
namespace {

TEST(ReservationStore, ACancelledReservationStaysCancelledAndIsAnnouncedOnce) {
  migrate_once();
  auto sql = db();
  const std::string shop = unique("resto");
  auto m = new_member(*sql, shop);
  adapters::postgres::PgSession session(pg_conninfo());
  adapters::postgres::PgReservationStore store(session);
  const std::int64_t at = at_offset(2031, 5, 10, 19, 0, 7);
  auto booked = store.book({.store_id = shop,
                            .member_id = m.id,
                            .party = 4,
                            .starts_at = at,
                            .ends_at = at + 5400,
                            .date = "2031-05-10",
                            .time = "19:00",
                            .note = std::nullopt},
                           10, true);
  ASSERT_TRUE(booked.has_value()) << booked.error().message;
  ASSERT_TRUE(booked->has_value());
  const long long id = (*booked)->id;
  EXPECT_EQ(
      scalar(*sql, "SELECT count(*) FROM notifications WHERE kind = 'new_reservation' AND store_id = '" + shop + "'"),
      1);
  EXPECT_FALSE(scalar(*sql, "SELECT count(*) FROM notifications WHERE data ? 'member' AND store_id = '" + shop + "'"))
      << "no member name on the admins' topic";

  auto cancelled = store.set_status(id, "cancelled", false, true);
  ASSERT_TRUE(cancelled && *cancelled);
  EXPECT_EQ((*cancelled)->status, "cancelled");
  auto confirmed = store.set_status(id, "confirmed", true, false);
  ASSERT_TRUE(confirmed && *confirmed);
  EXPECT_EQ((*confirmed)->status, "cancelled") << "a cancelled reservation never comes back";
  auto again = store.set_status(id, "cancelled", false, true);
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

}  // namespace
}  // namespace setia::it
