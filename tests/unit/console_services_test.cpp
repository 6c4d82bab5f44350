// What the owner's console asks of the core services, with fakes and a
// manual clock: the dashboard's day and months in the store's zone (last
// month to the same day, or to its last), and the bookings the shop takes
// (no lead time, a guest not held to the member limit, the day's seats).
#include <gtest/gtest.h>

#include "core/services/reports.h"
#include "core/services/reservations.h"
#include "tests/fakes/fake_report_queries.h"
#include "tests/fakes/fake_reservation_store.h"
#include "tests/fakes/manual_clock.h"
#include "tests/support/rule_books.h"

namespace setia::core {
namespace {

using ::setia::test::book_of;
using ::setia::test::ManualClock;

constexpr const char* kRules = R"(version: 1
store: "*"
timezone: Asia/Jakarta
points:
  earn:
    - {name: base, per_amount: 1000, points: 1}
reservations:
  seats: 10
  slot_minutes: 30
  stay_minutes: 90
  lead_minutes: 120
  max_open_per_member: 1
  hours: { mon-sun: "10:00-22:00" }
)";

SalesPeriod day(const std::string& period, long long amount, long long refunded = 0) {
  SalesPeriod p;
  p.period = period;
  p.sales = 1;
  p.amount = amount;
  p.refunds = refunded ? 1 : 0;
  p.refunded = refunded;
  return p;
}

TEST(ConsoleDashboard, TodayIsTheStoresDayAndLastMonthEndsOnTheSameDayOrItsLast) {
  fakes::FakeReportQueries q;
  // 2026-03-30T18:00Z is 31 March 01:00 in Jakarta: the store's day is the 31st.
  ManualClock clock(1774893600);
  Reports reports(q, rules_from(book_of(kRules)), clock);
  q.periods = {day("2026-02-27", 1000), day("2026-02-28", 2000), day("2026-03-01", 5000),
               day("2026-03-31", 7000, 3000)};
  q.members = 12;
  auto d = reports.dashboard("toko", std::nullopt);
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(d->date, "2026-03-31");
  EXPECT_EQ(d->month_from, "2026-03-01");
  EXPECT_EQ(d->last_month_from, "2026-02-01");
  EXPECT_EQ(d->last_month_to, "2026-02-28");  // February has no 31st
  ASSERT_EQ(q.sales_asked.size(), 1u);
  EXPECT_EQ(q.sales_asked[0].from, "2026-02-01");
  EXPECT_EQ(q.sales_asked[0].to, "2026-03-31");
  EXPECT_EQ(q.sales_asked[0].timezone, "Asia/Jakarta");
  EXPECT_EQ(d->today.amount, 7000);
  EXPECT_EQ(d->today.refunded, 3000);
  EXPECT_EQ(d->month.amount, 12000);
  EXPECT_EQ(d->month.refunds, 1);
  EXPECT_EQ(d->last_month.amount, 3000);
  EXPECT_EQ(d->month_days.size(), 2u);
  EXPECT_EQ(d->last_month_days.size(), 2u);
  EXPECT_EQ(d->members, 12);

  // A day named: last month to the same day only.
  q.periods = {day("2026-01-10", 1000), day("2026-01-20", 2000), day("2026-02-10", 4000)};
  auto named = reports.dashboard("toko", "2026-02-15");
  ASSERT_TRUE(named);
  EXPECT_EQ(named->last_month_to, "2026-01-15");
  EXPECT_EQ(named->last_month.amount, 1000);  // the 20th is past the same day
  EXPECT_EQ(named->today.amount, 0);
  EXPECT_EQ(named->month.amount, 4000);
  EXPECT_FALSE(reports.dashboard("toko", "2026-02-30"));
}

TEST(ConsoleDashboard, JanuaryComparesWithDecemberOfTheYearBefore) {
  fakes::FakeReportQueries q;
  ManualClock clock(0);
  Reports reports(q, rules_from(book_of(kRules)), clock);
  auto d = reports.dashboard("toko", "2027-01-05");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->last_month_from, "2026-12-01");
  EXPECT_EQ(d->last_month_to, "2026-12-05");
}

class ShopBookings : public ::testing::Test {
 protected:
  // 2026-12-07T03:00Z is 10:00 in Jakarta, a Monday.
  ManualClock clock{1796612400};
  fakes::FakeReservations store;
  Reservations reservations{store, rules_from(book_of(kRules)), clock};
  void SetUp() override { store.members[7] = {"TKO-7", "Citra"}; }
};

TEST_F(ShopBookings, TheShopNeedsNoLeadTimeTheAppDoes) {
  // 10:30, half an hour from now: too soon in the app (120 minutes' lead)...
  auto app = reservations.book("toko", 7, "2026-12-07", "10:30", 2, std::nullopt);
  ASSERT_FALSE(app);
  EXPECT_EQ(app.error().reason, "too_soon");
  // ...taken by the shop.
  auto shop = reservations.book_for("toko", {.member_id = 7, .guest_name = {}, .guest_phone = {}}, "2026-12-07",
                                    "10:30", 2, std::nullopt);
  ASSERT_TRUE(shop) << shop.error().message;
  // A start that is past (10:00, at 10:10) is refused to the shop too.
  clock.advance(std::chrono::minutes(10));
  auto past = reservations.book_for("toko", {.member_id = 0, .guest_name = "Pak Budi", .guest_phone = {}}, "2026-12-07",
                                    "10:00", 2, std::nullopt);
  ASSERT_FALSE(past);
  EXPECT_EQ(past.error().reason, "too_soon");
}

TEST_F(ShopBookings, GuestsAreNotHeldToTheMemberLimitAndTheDayShowsTheSeats) {
  const BookingFor guest{.member_id = 0, .guest_name = "Pak Budi", .guest_phone = "0812"};
  ASSERT_TRUE(reservations.book_for("toko", guest, "2026-12-08", "19:00", 4, std::nullopt));
  ASSERT_TRUE(reservations.book_for("toko", guest, "2026-12-08", "19:30", 3, "jendela"));
  // Citra may hold one open booking (max_open_per_member: 1).
  const BookingFor citra{.member_id = 7, .guest_name = {}, .guest_phone = {}};
  ASSERT_TRUE(reservations.book_for("toko", citra, "2026-12-08", "12:00", 2, std::nullopt));
  auto second = reservations.book_for("toko", citra, "2026-12-08", "13:00", 2, std::nullopt);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().reason, "too_many_reservations");
  // Neither a member nor a guest's name.
  EXPECT_FALSE(reservations.book_for("toko", {}, "2026-12-08", "15:00", 2, std::nullopt));

  auto d = reservations.admin_day("toko", "2026-12-08");
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_TRUE(d->takes_reservations);
  EXPECT_EQ(d->seats, 10);
  ASSERT_EQ(d->slots.size(), 24u);  // 10:00 to 21:30
  std::map<int, int> held;
  for (const auto& s : d->slots) held[s.minute] = s.held;
  EXPECT_EQ(held[12 * 60], 2);
  EXPECT_EQ(held[19 * 60], 4);
  EXPECT_EQ(held[19 * 60 + 30], 7);
  EXPECT_EQ(held[20 * 60 + 30], 3);
  EXPECT_EQ(held[21 * 60], 0);
  EXPECT_EQ(d->reservations.size(), 3u);
}

}  // namespace
}  // namespace setia::core
