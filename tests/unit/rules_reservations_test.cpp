// When a table may be reserved and how seats are counted
// (rules/reservation_slots.h), over the café's reservation rules: 40
// seats, 30-minute slots, 90-minute stays, an hour's lead, 30 days ahead,
// 10:00-22:00 on weekdays and 08:00-23:00 at weekends, closed 2026-12-25.
#include <gtest/gtest.h>

#include "rules/reservation_slots.h"
#include "rules/store_time.h"
#include "rules_test_support.h"

namespace setia::rules::test {
namespace {

RuleSet cafe() {
  return load(std::string(kHead) +
              "reservations:\n  seats: 40\n  slot_minutes: 30\n  stay_minutes: 90\n  max_party: 10\n"
              "  lead_minutes: 60\n  horizon_days: 30\n  hours: {mon-fri: \"10:00-22:00\", sat-sun: \"08:00-23:00\"}\n"
              "  closed: [2026-12-25]\n");
}

// Monday 2026-11-30 08:00 WIB: when the member opens the app.
constexpr std::int64_t kNow = wib(2026, 11, 30, 8, 0);

std::string refusal(const RuleSet& rs, LocalDate day, int minute, int party, std::int64_t now = kNow) {
  auto slot = check_slot(*rs.reservations, rs.zone, day, minute, party, now);
  return slot ? "ok" : slot.error().code + ": " + slot.error().message;
}

TEST(ReservationSlots, AStartIsOnASlotWithinTheHoursAndTheStayEndsByClosing) {
  auto rs = cafe();
  auto slot = check_slot(*rs.reservations, rs.zone, {2026, 12, 1}, 19 * 60, 4, kNow);
  ASSERT_TRUE(slot.has_value()) << slot.error().message;
  EXPECT_EQ(slot->starts_at, wib(2026, 12, 1, 19, 0));
  EXPECT_EQ(slot->ends_at, wib(2026, 12, 1, 20, 30));
  EXPECT_EQ(refusal(rs, {2026, 12, 1}, 20 * 60 + 30, 4), "ok") << "the last start: 20:30 + 90 min = 22:00";
  EXPECT_EQ(refusal(rs, {2026, 12, 1}, 20 * 60 + 31, 4),
            "not_a_slot: reservations on 2026-12-01 start every 30 minutes from 10:00 to 20:30, got 20:31");
  EXPECT_EQ(refusal(rs, {2026, 12, 1}, 21 * 60, 4),
            "not_a_slot: reservations on 2026-12-01 start every 30 minutes from 10:00 to 20:30, got 21:00");
  EXPECT_EQ(refusal(rs, {2026, 12, 1}, 9 * 60 + 30, 4),
            "not_a_slot: reservations on 2026-12-01 start every 30 minutes from 10:00 to 20:30, got 09:30");
  EXPECT_EQ(refusal(rs, {2026, 12, 5}, 8 * 60, 4), "ok") << "Saturday opens at 08:00";
  EXPECT_EQ(refusal(rs, {2026, 12, 25}, 12 * 60, 4), "closed: the store is closed on 2026-12-25");
}

// The seats one member's bookings may hold on a day: 2 × max_party unless
// the file says, and never below max_party (a full party could not book).
TEST(ReservationRules, SeatsPerMemberPerDay) {
  EXPECT_EQ(cafe().reservations->max_seats_per_member_day, 20);
  const std::string base =
      std::string(kHead) + "reservations:\n  seats: 40\n  max_party: 10\n  hours: {mon-sun: \"10:00-22:00\"}\n";
  EXPECT_EQ(load(base + "  max_seats_per_member_day: 12\n").reservations->max_seats_per_member_day, 12);
  EXPECT_EQ(first_error(base + "  max_seats_per_member_day: 8\n"),
            "8:29: reservations.max_seats_per_member_day (8) is less than max_party (10): a party of max_party could "
            "never book");
}

TEST(ReservationSlots, LeadHorizonAndPartySize) {
  auto rs = cafe();
  EXPECT_EQ(refusal(rs, {2026, 11, 30}, 10 * 60, 2, wib(2026, 11, 30, 9, 0)), "ok") << "exactly the lead";
  EXPECT_EQ(refusal(rs, {2026, 11, 30}, 10 * 60, 2, wib(2026, 11, 30, 9, 1)),
            "too_soon: a reservation starts at least 60 minutes after it is made");
  EXPECT_EQ(refusal(rs, {2026, 12, 30}, 10 * 60, 2), "ok") << "30 days after 30 November";
  EXPECT_EQ(refusal(rs, {2026, 12, 31}, 10 * 60, 2),
            "too_far: reservations are taken up to 30 days ahead (until 2026-12-30)");
  EXPECT_EQ(refusal(rs, {2026, 12, 1}, 10 * 60, 11), "party_size: party must be 1 to 10 people, got 11");
  EXPECT_EQ(refusal(rs, {2026, 12, 1}, 10 * 60, 0), "party_size: party must be 1 to 10 people, got 0");
  auto none = load(std::string(kHead));
  EXPECT_FALSE(none.reservations.has_value()) << "a file without the section takes no reservations";
}

// A zone with daylight saving (not Indonesia's): on 29 March 2026 Berlin's
// clocks jump from 02:00 to 03:00. A 02:30 start does not exist on the
// wall clock and comes at the jump (01:00 UTC); its 90 minutes would run to
// 04:30 on the wall, past a 04:00 closing, so it is refused.
TEST(ReservationSlots, AStayThatADaylightSavingJumpPushesPastClosingIsRefused) {
  auto rs = load(
      "version: 1\nstore: b\ntimezone: Europe/Berlin\nreservations:\n  seats: 10\n"
      "  hours: {sun: \"00:00-04:00\"}\n  lead_minutes: 0\n");
  const LocalDate day{2026, 3, 29};
  const std::int64_t before = at_offset(2026, 3, 28, 12, 0, 60);
  EXPECT_EQ(refusal(rs, day, 60, 2, before), "ok") << "01:00 to 03:30 on the wall: 90 real minutes, by 04:00";
  EXPECT_EQ(refusal(rs, day, 150, 2, before), "not_a_slot: a stay from 02:30 on 2026-03-29 would end after closing");
}

// Seats are held from a start to its end: the peak over a stay is at its
// start or at a start inside it, never the sum of all that overlap it.
TEST(ReservationSlots, PeakSeatsCountsWhatIsHeldAtOnce) {
  const std::int64_t h = 3600;
  std::vector<Booked> booked = {{0, 90 * 60, 6}, {90 * 60, 180 * 60, 8}, {2 * h, 3 * h, 5}};
  EXPECT_EQ(peak_seats(booked, 0, 90 * 60), 6);
  EXPECT_EQ(peak_seats(booked, 60 * 60, 150 * 60), 13) << "8 from 1:30 and 5 from 2:00; the 6 left at 1:30";
  EXPECT_EQ(peak_seats(booked, 3 * h, 4 * h), 0) << "ends are exclusive";
  EXPECT_EQ(peak_seats({}, 0, h), 0);
}

TEST(ReservationSlots, FreeSlotsLeaveOutFullStartsAndThosePastTheLead) {
  auto rs = cafe();
  const LocalDate day{2026, 12, 1};  // Tuesday, 10:00-22:00
  // 36 seats held 19:00-20:30: a party of 4 still fits at 19:00; one of 5
  // not from 18:00 (its stay reaches past 19:00) to 20:00; 17:30 ends at
  // 19:00 and fits.
  std::vector<Booked> booked = {{wib(2026, 12, 1, 19, 0), wib(2026, 12, 1, 20, 30), 36}};
  auto four = free_slots(*rs.reservations, rs.zone, day, 4, kNow, booked);
  ASSERT_EQ(four.size(), 22u) << "10:00 to 20:30 every 30 minutes";
  EXPECT_EQ(four.front().minute, 10 * 60);
  EXPECT_EQ(four.front().free_seats, 40);
  EXPECT_EQ(four[18].minute, 19 * 60);
  EXPECT_EQ(four[18].free_seats, 4);
  auto five = free_slots(*rs.reservations, rs.zone, day, 5, kNow, booked);
  ASSERT_EQ(five.size(), 17u);
  for (const auto& s : five) EXPECT_TRUE(s.minute <= 17 * 60 + 30 || s.minute > 20 * 60) << s.minute;
  // Asked at 15:10 the same day: starts from 16:30 on (an hour's lead, on a slot).
  auto later = free_slots(*rs.reservations, rs.zone, day, 2, wib(2026, 12, 1, 15, 10), {});
  ASSERT_FALSE(later.empty());
  EXPECT_EQ(later.front().minute, 16 * 60 + 30);
  EXPECT_TRUE(free_slots(*rs.reservations, rs.zone, {2026, 12, 25}, 2, kNow, {}).empty()) << "closed";
}

}  // namespace
}  // namespace setia::rules::test
