// Table reservations through the REST API on a real daemon and database:
// availability, booking until the seats are gone (409), racing bookings for
// the last seats never overbook, refusals that say what was expected (422),
// members cancelling their own, admins confirming and cancelling, and the
// pushes to the admins' topic and to the member. The store has 10 seats,
// 30-minute slots, 90-minute stays, every day 08:00-22:00 (rest_fixture.h).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>

#include "rest_fixture.h"

namespace setia::it {
namespace {

using nlohmann::json;

class RestReservations : public RestTest {
 protected:
  void SetUp() override {
    RestTest::SetUp();
    day_ = tomorrow_wib();
    ocha_ = register_member("Ocha");
    admin_ = admin_token(*daemon_, store_);
  }
  HttpResponse book(const TestMember& m, const std::string& time, int party, const std::string& date = "") {
    return http().post("/v1/me/reservations", {{"date", date.empty() ? day_ : date}, {"time", time}, {"party", party}},
                       m.token);
  }
  json slot(const TestMember& m, const std::string& time, int party) {
    auto r = http().get("/v1/reservations/availability?date=" + day_ + "&party=" + std::to_string(party), m.token);
    EXPECT_EQ(r.status, 200) << r.body;
    const auto body = r.json();  // kept: the loop must not walk a temporary's member
    for (const auto& s : body["slots"]) {
      if (s["time"] == time) return s;
    }
    return nullptr;
  }
  long long admin_pushes(const std::string& kind) {
    auto sql = db();
    return scalar(*sql,
                  "SELECT count(*) FROM notifications n JOIN outbox o ON o.notification_id = n.id "
                  "WHERE n.kind = '" +
                      kind + "' AND n.store_id = '" + store_ + "' AND o.fcm_topic = 'setia-admins-" + store_ + "'");
  }

  std::string day_, admin_;
  TestMember ocha_;
};

TEST_F(RestReservations, BookUntilTheSeatsAreGoneThenTheSlotIsFull) {
  EXPECT_EQ(slot(ocha_, "19:00", 6)["free_seats"], 10);
  auto r = book(ocha_, "19:00", 6);
  ASSERT_EQ(r.status, 201) << r.body;
  auto res = r.json()["reservation"];
  EXPECT_EQ(res["status"], "pending");
  EXPECT_EQ(res["date"], day_);
  EXPECT_EQ(res["time"], "19:00");
  EXPECT_EQ(res["party"], 6);
  EXPECT_EQ(res["member"]["code"], ocha_.code);
  EXPECT_EQ(res["starts_at"], day_ + "T19:00:00+07:00");
  EXPECT_EQ(res["ends_at"], day_ + "T20:30:00+07:00");
  EXPECT_EQ(admin_pushes("new_reservation"), 1) << "notify_admins: the admins' topic";

  auto nino = register_member("Nino");
  EXPECT_EQ(slot(nino, "19:30", 4)["free_seats"], 4);
  EXPECT_TRUE(slot(nino, "19:30", 5).is_null()) << "only 4 seats are free during that stay";
  ASSERT_EQ(book(nino, "19:30", 4).status, 201);
  auto full = book(nino, "18:30", 1);  // 18:30-20:00 overlaps both
  EXPECT_EQ(full.status, 409) << full.body;
  EXPECT_EQ(full.json()["error"]["reason"], "slot_full");
  auto big = book(nino, "17:30", 10);
  EXPECT_EQ(big.status, 422) << "above max_party 6";
  EXPECT_EQ(big.json()["error"]["reason"], "party_size");
  EXPECT_EQ(book(nino, "17:30", 6).status, 201) << "17:30-19:00 ends as the 19:00 party arrives";
  EXPECT_EQ(book(nino, "20:30", 6).status, 201) << "the 19:00 party leaves at 20:30: 4 + 6 seats";
  // Three bookings coming up: max_open_per_member (3) says no more, even
  // where seats are free.
  auto fourth = book(nino, "10:00", 1);
  EXPECT_EQ(fourth.status, 409) << fourth.body;
  EXPECT_EQ(fourth.json()["error"]["reason"], "too_many_reservations");
  auto late = book(nino, "21:00", 1);
  EXPECT_EQ(late.status, 422) << "21:00 + 90 minutes is past closing";
  EXPECT_EQ(late.json()["error"]["reason"], "not_a_slot");

  // The admin's day, by start; the member sees only their own.
  auto day = http().get("/v1/admin/reservations?date=" + day_, admin_);
  ASSERT_EQ(day.status, 200) << day.body;
  ASSERT_EQ(day.json()["items"].size(), 4u);
  EXPECT_EQ(day.json()["items"][0]["time"], "17:30");
  EXPECT_EQ(day.json()["items"][3]["time"], "20:30");
  auto mine = http().get("/v1/me/reservations", ocha_.token).json()["items"];
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0]["time"], "19:00");
}

TEST_F(RestReservations, RacingBookingsForTheLastSeatsNeverOverbook) {
  constexpr int kMembers = 16;
  std::vector<TestMember> members;
  for (int i = 0; i < kMembers; ++i) members.push_back(register_member("Racer" + std::to_string(i)));
  std::vector<int> status(kMembers);
  std::vector<std::thread> threads;
  for (int i = 0; i < kMembers; ++i) {
    threads.emplace_back([&, i] {
      HttpClient client(port_);
      status[i] =
          client.post("/v1/me/reservations", {{"date", day_}, {"time", "12:00"}, {"party", 3}}, members[i].token)
              .status;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(std::count(status.begin(), status.end(), 201), 3) << "3 x 3 seats of 10";
  EXPECT_EQ(std::count(status.begin(), status.end(), 409), kMembers - 3);
  auto sql = db();
  EXPECT_EQ(scalar(*sql, "SELECT sum(party) FROM reservations WHERE store_id = '" + store_ + "'"), 9);
}

// max_seats_per_member_day (16 here): three bookings are allowed
// (max_open_per_member 3), but not seventeen seats on one day; another day
// counts on its own.
TEST_F(RestReservations, AMemberCannotHoldMoreSeatsOfADayThanTheCap) {
  auto sari = register_member("Sari");
  ASSERT_EQ(book(sari, "10:00", 6).status, 201);
  ASSERT_EQ(book(sari, "12:00", 6).status, 201);
  auto r = book(sari, "14:00", 5);
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(r.json()["error"]["code"], "conflict");
  EXPECT_EQ(r.json()["error"]["reason"], "too_many_seats");
  EXPECT_NE(r.json()["error"]["message"].get<std::string>().find("at most 16 people on one day"), std::string::npos)
      << r.body;
  EXPECT_EQ(http().get("/v1/me/reservations", sari.token).json()["items"].size(), 2u) << "nothing booked";
  EXPECT_EQ(book(sari, "14:00", 4).status, 201) << "16 seats exactly";
  // The day after: a day of its own (then max_open_per_member says no more).
  using namespace std::chrono;
  const year_month_day after{floor<days>(system_clock::now() + hours(7) + days(2))};
  char next[16];
  std::snprintf(next, sizeof next, "%04d-%02u-%02u", static_cast<int>(after.year()),
                static_cast<unsigned>(after.month()), static_cast<unsigned>(after.day()));
  EXPECT_EQ(book(sari, "14:00", 5, next).json()["error"]["reason"], "too_many_reservations");
  auto mine = http().get("/v1/me/reservations", sari.token).json()["items"];
  ASSERT_FALSE(mine.empty());
  ASSERT_EQ(http().del("/v1/me/reservations/" + std::to_string(mine[0]["id"].get<long long>()), sari.token).status,
            204);
  EXPECT_EQ(book(sari, "14:00", 6, next).status, 201) << "another day";
}

TEST_F(RestReservations, RefusalsSayWhatWasExpected) {
  auto r = book(ocha_, "19:10", 2);
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.json()["error"]["reason"], "not_a_slot");
  EXPECT_EQ(r.json()["error"]["message"],
            "reservations on " + day_ + " start every 30 minutes from 08:00 to 20:30, got 19:10");
  r = book(ocha_, "19:00", 2, "2020-01-01");
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.json()["error"]["reason"], "too_soon");
  r = book(ocha_, "19:00", 2, "2099-01-01");
  EXPECT_EQ(r.json()["error"]["reason"], "too_far");
  EXPECT_EQ(book(ocha_, "7pm", 2).status, 400);
  EXPECT_EQ(book(ocha_, "19:00", 2, "2026-02-30").status, 400);
  EXPECT_EQ(
      http()
          .post("/v1/me/reservations", {{"date", day_}, {"time", "19:00"}, {"party", 2}, {"table", 4}}, ocha_.token)
          .status,
      400)
      << "unknown field";
  EXPECT_EQ(http()
                .post("/v1/me/reservations",
                      {{"date", day_}, {"time", "19:00"}, {"party", 2}, {"note", std::string("a\0b", 3)}}, ocha_.token)
                .status,
            400)
      << "a control character in the note";
  EXPECT_EQ(http().get("/v1/reservations/availability?date=" + day_, ocha_.token).status, 400) << "no party";
  EXPECT_EQ(http().get("/v1/reservations/availability?date=" + day_ + "&party=2").status, 401);
  EXPECT_EQ(http().get("/v1/admin/reservations?date=" + day_, ocha_.token).status, 403) << "a member token";
}

TEST_F(RestReservations, MembersCancelTheirOwnAndAdminsConfirmOrCancel) {
  auto nino = register_member("Nino");
  long long a = book(ocha_, "12:00", 6).json()["reservation"]["id"];
  long long b = book(ocha_, "15:00", 2).json()["reservation"]["id"];
  const auto a_path = "/v1/me/reservations/" + std::to_string(a);
  EXPECT_EQ(http().del(a_path, nino.token).status, 404) << "not Nino's";
  EXPECT_EQ(slot(nino, "12:00", 6), nullptr);
  EXPECT_EQ(http().del(a_path, ocha_.token).status, 204);
  EXPECT_EQ(http().del(a_path, ocha_.token).status, 204) << "cancelling twice is no error";
  EXPECT_EQ(slot(nino, "12:00", 6)["free_seats"], 10) << "a cancelled reservation holds no seats";
  EXPECT_EQ(admin_pushes("reservation_cancelled"), 1) << "told once";

  const auto b_admin = "/v1/admin/reservations/" + std::to_string(b);
  auto c = http().post(b_admin + "/confirm", json::object(), admin_);
  ASSERT_EQ(c.status, 200) << c.body;
  EXPECT_EQ(c.json()["reservation"]["status"], "confirmed");
  auto notes = http().get("/v1/me/notifications", ocha_.token);
  ASSERT_EQ(notes.status, 200) << notes.body;
  ASSERT_FALSE(notes.json()["items"].empty());
  EXPECT_EQ(notes.json()["items"][0]["kind"], "reservation") << notes.body;
  EXPECT_EQ(http().post(b_admin + "/cancel", json::object(), admin_).json()["reservation"]["status"], "cancelled");
  auto again = http().post(b_admin + "/confirm", json::object(), admin_);
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.json()["error"]["reason"], "cancelled");
  // A member's cancel that lands before an admin's confirm wins: the seats
  // are free again, and the admin is told it is cancelled, not confirmed.
  long long c3 = book(ocha_, "18:00", 2).json()["reservation"]["id"];
  ASSERT_EQ(http().del("/v1/me/reservations/" + std::to_string(c3), ocha_.token).status, 204);
  auto late_confirm = http().post("/v1/admin/reservations/" + std::to_string(c3) + "/confirm", json::object(), admin_);
  EXPECT_EQ(late_confirm.status, 409);
  auto sql = db();
  EXPECT_EQ(
      scalar(*sql, "SELECT count(*) FROM reservations WHERE id = " + std::to_string(c3) + " AND status = 'cancelled'"),
      1);
  // Another store's admin does not see it.
  auto other_admin = admin_token(*daemon_, unique("lain"));
  EXPECT_EQ(http().post(b_admin + "/confirm", json::object(), other_admin).status, 404);
  EXPECT_EQ(http().post("/v1/admin/reservations/nope/confirm", json::object(), admin_).status, 404);
}

}  // namespace
}  // namespace setia::it
