// The member's own paths, each with its errors: profile and its changes,
// QR codes, points history with its reasons, transactions and e-nota
// (JSON and page), vouchers, devices, notifications, promos and rewards;
// and the store's look that the member app reads before login.
#include <algorithm>
#include <chrono>
#include <csignal>
#include <ctime>
#include <fstream>
#include <random>
#include <thread>

#include "rest_fixture.h"

namespace setia::it {
namespace {

using nlohmann::json;

std::string iso_date(std::chrono::sys_days d) {
  auto t = std::chrono::system_clock::to_time_t(d);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

class RestMember : public RestTest {
 protected:
  // A sale of `qty` x Rp 13.000 for the member, at `at` (RFC 3339).
  json member_sale(const TestMember& m, const std::string& receipt, long long qty, const std::string& at) {
    json s = sale(m.store, unique("evt"), receipt, qty, 13000, m.code);
    s["occurred_at"] = at;
    s["paid"] = qty * 13000 + 48000;
    s["change"] = 48000;
    s["table"] = "2";
    s["service"] = "dine_in";
    return s;
  }
};

TEST_F(RestMember, MeShowsProfilePointsAndWhatExpiresNext) {
  auto m = register_member("Ocha");
  auto r = http().get("/v1/me", m.token);
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = r.json();
  EXPECT_EQ(j["code"], m.code);
  EXPECT_EQ(j["points"], 0);
  EXPECT_TRUE(j["points_expiring"].is_null());
  EXPECT_EQ(j["language"], "id");
  send_sales({member_sale(m, "20200505234", 4, "2026-11-23T10:00:00+07:00")});
  j = http().get("/v1/me", m.token).json();
  EXPECT_EQ(j["points"], 52);
  EXPECT_EQ(j["points_expiring"]["points"], 52);
  EXPECT_EQ(j["points_expiring"]["on"], "2036-11-20");  // 3650 days after the sale, store-local
}

// A café's members are of every age: birth dates from 1900-01-01 to today
// are taken, at registration and by PATCH /v1/me; a date in the future or
// before 1900 gets a 400 that says which bound it broke.
TEST_F(RestMember, BirthDatesFrom1900ToTodayAreTakenAndTheFutureIsNot) {
  auto phone = "08" + std::to_string(1000000000 + std::random_device{}() % 900000000);
  auto r = http().post("/v1/auth/register", {{"store", store_},
                                             {"name", "Oma"},
                                             {"phone", phone},
                                             {"password", "rahasia-oma"},
                                             {"birth_date", "1965-04-02"}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(http().get("/v1/me", r.json()["token"].get<std::string>()).json()["birth_date"], "1965-04-02");

  auto oldest = register_member("Buyut");
  r = http().patch("/v1/me", {{"birth_date", "1900-01-01"}}, oldest.token);
  EXPECT_EQ(r.status, 200) << r.body;

  auto too_old = register_member("Terlalu Tua");
  r = http().patch("/v1/me", {{"birth_date", "1899-12-31"}}, too_old.token);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("1900-01-01 or later"), std::string::npos) << r.body;

  // Today (UTC) is a birth date; two days after it is the future everywhere.
  const auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  auto newborn = register_member("Bayi");
  r = http().patch("/v1/me", {{"birth_date", iso_date(today)}}, newborn.token);
  EXPECT_EQ(r.status, 200) << r.body;
  auto unborn = register_member("Belum Lahir");
  r = http().patch("/v1/me", {{"birth_date", iso_date(today + std::chrono::days(2))}}, unborn.token);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("must not be in the future"), std::string::npos) << r.body;
  r = http().post("/v1/auth/register", {{"store", store_},
                                        {"name", "Belum"},
                                        {"phone", phone + "9"},
                                        {"password", "rahasia-belum"},
                                        {"birth_date", iso_date(today + std::chrono::days(2))}});
  EXPECT_EQ(r.status, 400) << r.body;
}

TEST_F(RestMember, PatchMeChangesWhatAMemberMayChange) {
  auto m = register_member("Nino");
  auto other = register_member("Lain");
  auto r = http().patch(
      "/v1/me", {{"name", "Nino Baru"}, {"language", "en"}, {"email", unique("nino") + "@example.com"}}, m.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["name"], "Nino Baru");
  EXPECT_EQ(r.json()["language"], "en");
  // Birth date: once.
  r = http().patch("/v1/me", {{"birth_date", "1998-02-03"}}, m.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["birth_date"], "1998-02-03");
  EXPECT_EQ(http().patch("/v1/me", {{"birth_date", "1998-02-03"}}, m.token).status, 200);  // the same again is fine
  r = http().patch("/v1/me", {{"birth_date", "1990-01-01"}}, m.token);
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(r.json()["error"]["reason"], "birth_date_locked");
  EXPECT_NE(r.json()["error"]["message"].get<std::string>().find("ask the shop"), std::string::npos) << r.body;
  EXPECT_EQ(http().get("/v1/me", m.token).json()["birth_date"], "1998-02-03") << "the refused change changed nothing";
  {
    auto sql = db();
    std::string by;
    *sql << "SELECT birth_date_set_by FROM members WHERE id = :m", soci::use(m.id), soci::into(by);
    EXPECT_EQ(by, "member");
  }
  // Fields that are not the member's to set: 400 naming the field.
  for (const char* field : {"points", "store", "code", "role", "id"}) {
    r = http().patch("/v1/me", {{field, 1}}, m.token);
    EXPECT_EQ(r.status, 400) << field;
    EXPECT_NE(r.json()["error"]["message"].get<std::string>().find(std::string("'") + field + "'"), std::string::npos)
        << r.body;
  }
  r = http().patch("/v1/me", {{"favourite_colour", "green"}}, m.token);
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("favourite_colour"), std::string::npos);
  // Promo announcements: off until the member opts in (marketing needs
  // their consent: docs/privacy.md), and back off when they say so.
  EXPECT_EQ(http().get("/v1/me", m.token).json()["promo_pushes"], false);
  r = http().patch("/v1/me", {{"promo_pushes", true}}, m.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["promo_pushes"], true);
  EXPECT_EQ(http().patch("/v1/me", {{"name", "Nino Lagi"}}, m.token).json()["promo_pushes"], true) << "absent: stays";
  r = http().patch("/v1/me", {{"promo_pushes", false}}, m.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["promo_pushes"], false);
  r = http().patch("/v1/me", {{"promo_pushes", "no"}}, m.token);
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("'promo_pushes' must be true or false"), std::string::npos) << r.body;
  // Validation and uniqueness.
  EXPECT_EQ(http().patch("/v1/me", {{"email", "not-an-email"}}, m.token).status, 400);
  EXPECT_EQ(http().patch("/v1/me", {{"language", "fr"}}, m.token).status, 400);
  EXPECT_EQ(http().patch("/v1/me", {{"name", ""}}, m.token).status, 400);
  EXPECT_EQ(http().patch("/v1/me", {{"phone", other.phone}}, m.token).status, 409);
  // Nothing of the refused requests stuck.
  auto me = http().get("/v1/me", m.token).json();
  EXPECT_EQ(me["phone"], m.phone);
  EXPECT_EQ(me["birth_date"], "1998-02-03");
}

TEST_F(RestMember, MemberQrAsSvgAndPng) {
  auto m = register_member("Sari");
  auto svg = http().get("/v1/me/qr.svg", m.token);
  ASSERT_EQ(svg.status, 200);
  EXPECT_EQ(svg.header("content-type"), "image/svg+xml");
  EXPECT_NE(svg.body.find("<svg"), std::string::npos);
  auto png = http().get("/v1/me/qr.png", m.token);
  ASSERT_EQ(png.status, 200);
  EXPECT_EQ(png.header("content-type"), "image/png");
  EXPECT_EQ(png.body.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  auto big = http().get("/v1/me/qr.png?scale=16", m.token);
  EXPECT_GT(big.body.size(), png.body.size());
  EXPECT_EQ(http().get("/v1/me/qr.png?scale=0", m.token).status, 400);
  EXPECT_EQ(http().get("/v1/me/qr.png?scale=abc", m.token).status, 400);
}

TEST_F(RestMember, PointsHistorySaysWhyEachRowIsThere) {
  auto m = register_member("Dewi");
  send_sales({member_sale(m, "R-100", 10, "2026-11-23T10:00:00+07:00")});
  auto admin = admin_token(*daemon_, m.store);
  auto adj = http().post("/v1/admin/members/" + m.code + "/points", {{"delta", 40}, {"reason", "welcome gift"}}, admin);
  ASSERT_EQ(adj.status, 201) << adj.body;
  auto redeem = http().post("/v1/rewards/free-smoothie/redeem", json::object(), m.token);
  ASSERT_EQ(redeem.status, 201) << redeem.body;

  auto r = http().get("/v1/me/points", m.token);
  ASSERT_EQ(r.status, 200) << r.body;
  auto items = r.json()["items"];
  ASSERT_EQ(items.size(), 3u) << r.body;
  // Newest first: the redemption, the adjustment, the sale.
  EXPECT_EQ(items[0]["kind"], "redeem");
  EXPECT_EQ(items[0]["points"], -100);
  EXPECT_EQ(items[0]["why"]["reward"], "free-smoothie");
  EXPECT_TRUE(items[0]["why"]["voucher"].get<std::string>().starts_with("V-"));
  EXPECT_EQ(items[1]["kind"], "adjust");
  EXPECT_EQ(items[1]["points"], 40);
  EXPECT_EQ(items[1]["why"]["adjustment"]["reason"], "welcome gift");
  EXPECT_TRUE(items[1]["why"]["adjustment"]["by"].get<std::string>().starts_with("admin-token:"));
  EXPECT_EQ(items[2]["kind"], "earn");
  EXPECT_EQ(items[2]["points"], 130);
  EXPECT_EQ(items[2]["why"]["sale"]["receipt_no"], "R-100");
  EXPECT_EQ(items[2]["why"]["rule_ids"], json::array({"base"}));
  EXPECT_EQ(items[2]["why"]["ruleset_version"].get<std::string>().size(), 16u);
  EXPECT_TRUE(items[2]["at"].get<std::string>().ends_with("+07:00"));
  EXPECT_TRUE(r.json()["next_cursor"].is_null());

  // Pages.
  auto p1 = http().get("/v1/me/points?limit=2", m.token).json();
  ASSERT_EQ(p1["items"].size(), 2u);
  ASSERT_TRUE(p1["next_cursor"].is_string());
  auto p2 = http().get("/v1/me/points?limit=2&cursor=" + p1["next_cursor"].get<std::string>(), m.token).json();
  ASSERT_EQ(p2["items"].size(), 1u);
  EXPECT_EQ(p2["items"][0]["kind"], "earn");
  EXPECT_TRUE(p2["next_cursor"].is_null());
}

TEST_F(RestMember, TransactionsNewestFirstInPages) {
  auto m = register_member("Eka");
  send_sales({member_sale(m, "R-1", 1, "2026-11-20T09:00:00+07:00"),
              member_sale(m, "R-2", 2, "2026-11-22T09:00:00+07:00"),
              member_sale(m, "R-3", 3, "2026-11-21T09:00:00+07:00")});
  auto all = http().get("/v1/me/transactions", m.token);
  ASSERT_EQ(all.status, 200) << all.body;
  auto items = all.json()["items"];
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0]["receipt_no"], "R-2");
  EXPECT_EQ(items[1]["receipt_no"], "R-3");
  EXPECT_EQ(items[2]["receipt_no"], "R-1");
  EXPECT_EQ(items[0]["time"], "2026-11-22T09:00:00+07:00");
  EXPECT_EQ(items[0]["total"], 26000);
  EXPECT_EQ(items[0]["points_earned"], 26);
  EXPECT_EQ(items[0]["items"], 2);

  auto p1 = http().get("/v1/me/transactions?limit=2", m.token).json();
  ASSERT_EQ(p1["items"].size(), 2u);
  auto p2 = http().get("/v1/me/transactions?limit=2&cursor=" + p1["next_cursor"].get<std::string>(), m.token).json();
  ASSERT_EQ(p2["items"].size(), 1u);
  EXPECT_EQ(p2["items"][0]["receipt_no"], "R-1");
  EXPECT_TRUE(p2["next_cursor"].is_null());
  // A limit above the cap is capped, not refused; nonsense is refused.
  EXPECT_EQ(http().get("/v1/me/transactions?limit=100000", m.token).status, 200);
  EXPECT_EQ(http().get("/v1/me/transactions?limit=0", m.token).status, 400);
  EXPECT_EQ(http().get("/v1/me/transactions?limit=-1", m.token).status, 400);
  EXPECT_EQ(http().get("/v1/me/transactions?limit=ten", m.token).status, 400);
  EXPECT_EQ(http().get("/v1/me/transactions?cursor=%21%21", m.token).status, 400);
  EXPECT_EQ(http().get("/v1/me/transactions?cursor=bm9wZQ", m.token).status, 400);
}

TEST_F(RestMember, TransactionAsENotaJsonAndPage) {
  auto m = register_member("Fajar");
  send_sales({member_sale(m, "20200505234", 4, "2020-05-27T11:11:00+07:00")});
  auto list = http().get("/v1/me/transactions", m.token).json();
  long long id = list["items"][0]["id"];
  auto r = http().get("/v1/me/transactions/" + std::to_string(id), m.token);
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = r.json();
  EXPECT_EQ(j["store"], m.store);
  EXPECT_EQ(j["receipt_no"], "20200505234");
  EXPECT_EQ(j["time"], "2020-05-27T11:11:00+07:00");
  EXPECT_EQ(j["table"], "2");
  EXPECT_EQ(j["service"], "dine_in");
  ASSERT_EQ(j["items"].size(), 1u);
  EXPECT_EQ(j["items"][0]["name"], "Nasi Cakalang");
  EXPECT_EQ(j["items"][0]["qty"], 4);
  EXPECT_EQ(j["items"][0]["unit_price"], 13000);
  EXPECT_EQ(j["items"][0]["amount"], 52000);
  EXPECT_EQ(j["subtotal"], 52000);
  EXPECT_EQ(j["discount"], 0);
  EXPECT_EQ(j["total"], 52000);
  EXPECT_EQ(j["paid"], 100000);
  EXPECT_EQ(j["change"], 48000);
  EXPECT_EQ(j["points_earned"], 52);
  std::string html_url = "https://crm.example/v1/me/transactions/" + std::to_string(id) + "/enota.html";
  EXPECT_EQ(j["links"]["html"], html_url);

  auto page = http().get("/v1/me/transactions/" + std::to_string(id) + "/enota.html", m.token);
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.header("content-type"), "text/html; charset=utf-8");
  // No script may run in it, nothing loads from elsewhere, no one frames it.
  EXPECT_EQ(page.header("content-security-policy"),
            "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; "
            "form-action 'none'; frame-ancestors 'none'");
  EXPECT_EQ(page.header("x-content-type-options"), "nosniff");
  EXPECT_EQ(page.body.find("<script"), std::string::npos);
  EXPECT_NE(page.body.find("TOKO TEST"), std::string::npos);    // the rule file's header
  EXPECT_NE(page.body.find("Terima Kasih"), std::string::npos); // and footer
  EXPECT_NE(page.body.find("52.000"), std::string::npos);
  EXPECT_NE(page.body.find("27/05/2020 11:11"), std::string::npos);
  EXPECT_NE(page.body.find("<svg"), std::string::npos);         // the QR...
  EXPECT_NE(page.body.find(html_url), std::string::npos);       // ...linking back here

  EXPECT_EQ(http().get("/v1/me/transactions/999999999", m.token).status, 404);
  EXPECT_EQ(http().get("/v1/me/transactions/abc", m.token).status, 404);
  EXPECT_EQ(http().get("/v1/me/transactions/999999999/enota.html", m.token).status, 404);
}

TEST_F(RestMember, PromosClaimedUpToTheirLimits) {
  auto a = register_member("A");
  auto b = register_member("B");
  auto c = register_member("C");
  auto list = http().get("/v1/promos", a.token);
  ASSERT_EQ(list.status, 200) << list.body;
  ASSERT_EQ(list.json()["items"].size(), 1u);
  EXPECT_EQ(list.json()["items"][0]["id"], "hemat");
  EXPECT_EQ(list.json()["items"][0]["voucher"]["percent"], 10);

  auto claim = http().post("/v1/promos/hemat/claim", json::object(), a.token);
  ASSERT_EQ(claim.status, 201) << claim.body;
  EXPECT_TRUE(claim.json()["voucher"]["code"].get<std::string>().starts_with("V-"));
  EXPECT_EQ(claim.json()["voucher"]["status"], "active");
  auto again = http().post("/v1/promos/hemat/claim", json::object(), a.token);
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.json()["error"]["reason"], "already_claimed");
  EXPECT_EQ(http().post("/v1/promos/hemat/claim", json::object(), b.token).status, 201);
  auto sold_out = http().post("/v1/promos/hemat/claim", json::object(), c.token);  // total: 2
  EXPECT_EQ(sold_out.status, 409);
  EXPECT_EQ(sold_out.json()["error"]["reason"], "sold_out");
  EXPECT_EQ(http().post("/v1/promos/nope/claim", json::object(), a.token).status, 404);
}

TEST_F(RestMember, RewardsNeedEnoughPoints) {
  auto m = register_member("Gita");
  auto list = http().get("/v1/rewards", m.token);
  ASSERT_EQ(list.status, 200) << list.body;
  ASSERT_EQ(list.json()["items"].size(), 1u);
  EXPECT_EQ(list.json()["items"][0]["cost"], 100);
  EXPECT_EQ(list.json()["items"][0]["stock"], 50);
  send_sales({member_sale(m, "R-9", 4, "2026-11-23T10:00:00+07:00")});  // 52 points
  auto short_ = http().post("/v1/rewards/free-smoothie/redeem", json::object(), m.token);
  EXPECT_EQ(short_.status, 422) << short_.body;
  EXPECT_EQ(short_.json()["error"]["code"], "unprocessable");
  EXPECT_EQ(short_.json()["error"]["reason"], "insufficient_points");
  send_sales({member_sale(m, "R-10", 4, "2026-11-23T11:00:00+07:00")});  // 104
  auto ok = http().post("/v1/rewards/free-smoothie/redeem", json::object(), m.token);
  ASSERT_EQ(ok.status, 201) << ok.body;
  EXPECT_EQ(ok.json()["points"], 4);
  EXPECT_EQ(http().get("/v1/me", m.token).json()["points"], 4);
  EXPECT_EQ(http().post("/v1/rewards/nope/redeem", json::object(), m.token).status, 404);
}

TEST_F(RestMember, VouchersAndTheirQrCodes) {
  auto m = register_member("Hadi");
  EXPECT_EQ(http().get("/v1/me/vouchers", m.token).json()["items"].size(), 0u);
  auto claim = http().post("/v1/promos/hemat/claim", json::object(), m.token);
  ASSERT_EQ(claim.status, 201);
  std::string code = claim.json()["voucher"]["code"];
  auto list = http().get("/v1/me/vouchers", m.token);
  ASSERT_EQ(list.status, 200);
  auto items = list.json()["items"];
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0]["code"], code);
  EXPECT_EQ(items[0]["title"], "Diskon 10%");
  EXPECT_EQ(items[0]["status"], "active");
  EXPECT_TRUE(items[0]["valid_until"].get<std::string>().ends_with("+07:00"));
  EXPECT_EQ(items[0]["terms"]["kind"], "percent_off");
  EXPECT_EQ(items[0]["terms"]["min_spend"], 50000);

  auto svg = http().get("/v1/me/vouchers/" + code + "/qr.svg", m.token);
  EXPECT_EQ(svg.status, 200);
  EXPECT_EQ(svg.header("content-type"), "image/svg+xml");
  auto png = http().get("/v1/me/vouchers/" + code + "/qr.png", m.token);
  EXPECT_EQ(png.status, 200);
  EXPECT_EQ(png.header("content-type"), "image/png");
  // As typed at a till: lower case, no dashes.
  std::string typed = code;
  typed.erase(std::remove(typed.begin(), typed.end(), '-'), typed.end());
  std::transform(typed.begin(), typed.end(), typed.begin(), ::tolower);
  EXPECT_EQ(http().get("/v1/me/vouchers/" + typed + "/qr.svg", m.token).status, 200);
  EXPECT_EQ(http().get("/v1/me/vouchers/V-AAAA-AAAA-AAAA/qr.svg", m.token).status, 404);
}

TEST_F(RestMember, DevicesRegisteredAndDropped) {
  auto m = register_member("Indah");
  std::string token = "fcm-" + unique("device") + ":APA91b";
  auto r = http().post("/v1/me/devices", {{"token", token}, {"platform", "ios"}}, m.token);
  ASSERT_EQ(r.status, 201) << r.body;
  auto sql = db();
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM devices WHERE token = '" + token +
                             "' AND member_id = " + std::to_string(m.id) + " AND platform = 'ios'"),
            1);
  EXPECT_EQ(http().post("/v1/me/devices", {{"token", token}, {"platform", "symbian"}}, m.token).status, 400);
  EXPECT_EQ(http().post("/v1/me/devices", {{"token", "bad token!"}}, m.token).status, 400);
  EXPECT_EQ(http().post("/v1/me/devices", {{"platform", "ios"}}, m.token).status, 400);
  EXPECT_EQ(http().del("/v1/me/devices/" + token, m.token).status, 204);
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM devices WHERE token = '" + token + "'"), 0);
  EXPECT_EQ(http().del("/v1/me/devices/" + token, m.token).status, 404);
}

// A member registers at most rest.max_devices_per_member devices (5), a
// second registration of one of them is no new device, and a token that
// another member holds is not taken from them.
TEST_F(RestMember, DevicesAreCappedAndNeverTakenFromAnotherMember) {
  auto m = register_member("Indah"), other = register_member("Joko");
  auto token = [](int i) { return "fcm-" + unique("cap") + "-" + std::to_string(i) + ":APA91b"; };
  std::vector<std::string> mine;
  for (int i = 0; i < 5; ++i) {
    mine.push_back(token(i));
    ASSERT_EQ(http().post("/v1/me/devices", {{"token", mine.back()}, {"platform", "android"}}, m.token).status, 201);
  }
  EXPECT_EQ(http().post("/v1/me/devices", {{"token", mine[0]}, {"platform", "web"}}, m.token).status, 201);
  auto sixth = http().post("/v1/me/devices", {{"token", token(6)}, {"platform", "android"}}, m.token);
  EXPECT_EQ(sixth.status, 409) << sixth.body;
  EXPECT_EQ(sixth.json()["error"]["reason"], "too_many_devices");
  auto sql = db();
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM devices WHERE member_id = " + std::to_string(m.id)), 5);
  EXPECT_EQ(
      scalar(*sql, "SELECT count(*) FROM devices WHERE member_id = " + std::to_string(m.id) + " AND platform = 'web'"),
      1);

  auto taken = http().post("/v1/me/devices", {{"token", mine[1]}, {"platform", "android"}}, other.token);
  EXPECT_EQ(taken.status, 409) << taken.body;
  EXPECT_EQ(taken.json()["error"]["reason"], "device_registered_elsewhere");
  EXPECT_EQ(scalar(*sql, "SELECT member_id FROM devices WHERE token = '" + mine[1] + "'"), m.id);
  // Signed out (the device removed), the phone can be the other member's.
  EXPECT_EQ(http().del("/v1/me/devices/" + mine[1], m.token).status, 204);
  EXPECT_EQ(http().post("/v1/me/devices", {{"token", mine[1]}, {"platform", "android"}}, other.token).status, 201);
}

TEST_F(RestMember, NotificationsAreWhatWasSent) {
  auto m = register_member("Joko");
  send_sales({member_sale(m, "R-77", 4, "2026-11-23T10:00:00+07:00")});
  auto r = http().get("/v1/me/notifications", m.token);
  ASSERT_EQ(r.status, 200) << r.body;
  auto items = r.json()["items"];
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0]["kind"], "sale_points");
  EXPECT_EQ(items[0]["title"], "Poin bertambah");  // the member's language: id
  EXPECT_NE(items[0]["body"].get<std::string>().find("+52 poin dari nota R-77"), std::string::npos) << items[0];
  EXPECT_EQ(items[0]["data"]["points"], 52);
  EXPECT_TRUE(items[0]["at"].get<std::string>().ends_with("+07:00"));
  // In English once the member says so.
  http().patch("/v1/me", {{"language", "en"}}, m.token);
  items = http().get("/v1/me/notifications", m.token).json()["items"];
  EXPECT_EQ(items[0]["title"], "Points earned");
}

TEST_F(RestMember, AStoresBrandingIsReadWithoutAToken) {
  using namespace std::chrono_literals;
  // A store served by the default file: its id, Setia's colours, no logo.
  auto plain = http().get("/v1/stores/" + store_ + "/branding");
  ASSERT_EQ(plain.status, 200) << plain.body;
  EXPECT_EQ(plain.json()["name"], store_);
  EXPECT_EQ(plain.json()["primary"], "#6d4c41");
  EXPECT_TRUE(plain.json()["logo"].is_null());
  EXPECT_NE(plain.header("Cache-Control").find("max-age=300"), std::string::npos);

  // A store with its own file and branding, and one whose own file is
  // broken (never loaded: no rules, no look).
  const std::string own = unique("kopi");
  const std::string logo =
      "data:image/png;base64,"
      "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGPI9XEEIgYIBQAcFgPpTbD7xgAAAABJRU5ErkJggg==";
  std::ofstream(daemon_->rules_dir() + "/" + own + ".yaml")
      << "version: 1\nstore: " << own << "\ntimezone: Asia/Jakarta\nbranding:\n  name: \"Kopi Marikh\"\n  logo: \""
      << logo << "\"\n  primary: \"#1b5e20\"\n  accent: \"#ffc107\"\n";
  const std::string broken = unique("rusak");
  std::ofstream(daemon_->rules_dir() + "/" + broken + ".yaml")
      << "version: 1\nstore: " << broken << "\ntimezone: Asia/Jakarta\nbranding: {primary: green}\n";
  auto from = daemon_->log().size();
  daemon_->signal(SIGHUP);
  ASSERT_TRUE(daemon_->wait_for_log("broken rule files", 10s, from)) << daemon_->log();

  auto r = http().get("/v1/stores/" + own + "/branding");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(
      r.json(),
      json({{"store", own}, {"name", "Kopi Marikh"}, {"logo", logo}, {"primary", "#1b5e20"}, {"accent", "#ffc107"}}));
  // A member token is not needed, and one that is sent changes nothing.
  auto m = register_member("Ocha", own);
  EXPECT_EQ(http().get("/v1/stores/" + own + "/branding", m.token).json()["name"], "Kopi Marikh");

  auto gone = http().get("/v1/stores/" + broken + "/branding");
  EXPECT_EQ(gone.status, 404) << gone.body;
  EXPECT_EQ(gone.json()["error"]["code"], "not_found");
  EXPECT_NE(gone.json()["error"]["message"].get<std::string>().find(broken), std::string::npos) << gone.body;
  EXPECT_EQ(http().get("/v1/stores/Not_A_Store/branding").status, 404);
}

// Installed from the café's link, the app is the café's: its name, colour,
// start page and logo, from its own manifest.
TEST_F(RestMember, AStoresAppInstallsWithItsNameColourAndLogo) {
  using namespace std::chrono_literals;
  // No branding: the store's id, Setia's colour and icons; no logo to serve.
  auto plain = http().get("/v1/stores/" + store_ + "/manifest.webmanifest");
  ASSERT_EQ(plain.status, 200) << plain.body;
  EXPECT_EQ(plain.header("Content-Type"), "application/manifest+json");
  auto m = plain.json();
  EXPECT_EQ(m["name"], store_);
  EXPECT_EQ(m["start_url"], "/app/?store=" + store_);
  EXPECT_EQ(m["id"], "/app/?store=" + store_);
  EXPECT_EQ(m["scope"], "/app/");
  EXPECT_EQ(m["theme_color"], "#6d4c41");
  ASSERT_EQ(m["icons"].size(), 3U) << m.dump();
  EXPECT_EQ(m["icons"][0]["src"], "/app/icons/icon-192.png");
  EXPECT_EQ(http().get("/v1/stores/" + store_ + "/logo").status, 404);

  // A small logo (2 x 2) comes first, Setia's bigger icons after it; a
  // logo of 256 x 192 is the only icon. Long names are cut for the home
  // screen's label.
  const std::string small = unique("kecil");
  const std::string png =
      "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGPI9XEEIgYIBQAcFgPpTbD7xgAAAABJRU5ErkJggg==";
  std::ofstream(daemon_->rules_dir() + "/" + small + ".yaml")
      << "version: 1\nstore: " << small
      << "\ntimezone: Asia/Jakarta\nbranding:\n  name: \"Kopi Marikh\"\n  primary: \"#1b5e20\"\n  logo: "
         "\"data:image/png;base64,"
      << png << "\"\n";
  const std::string big = unique("besar");
  std::ofstream(daemon_->rules_dir() + "/" + big + ".yaml")
      << "version: 1\nstore: " << big
      << "\ntimezone: Asia/Jakarta\nbranding:\n  name: \"Kedai Kopi Nusantara Jaya\"\n  logo: "
         "\"data:image/webp;base64,UklGRhYAAABXRUJQVlA4WAoAAAAAAAAA/wAAvwAA\"\n";
  auto from = daemon_->log().size();
  daemon_->signal(SIGHUP);
  ASSERT_TRUE(daemon_->wait_for_log("reloaded ", 10s, from)) << daemon_->log();

  m = http().get("/v1/stores/" + small + "/manifest.webmanifest").json();
  EXPECT_EQ(m["name"], "Kopi Marikh");
  EXPECT_EQ(m["short_name"], "Kopi Marikh");
  EXPECT_EQ(m["theme_color"], "#1b5e20");
  EXPECT_EQ(m["start_url"], "/app/?store=" + small);
  ASSERT_EQ(m["icons"].size(), 4U) << m.dump();
  EXPECT_EQ(m["icons"][0], json({{"src", "/v1/stores/" + small + "/logo"}, {"sizes", "2x2"}, {"type", "image/png"}}));
  EXPECT_EQ(m["icons"][1]["sizes"], "192x192");
  auto logo = http().get("/v1/stores/" + small + "/logo");
  ASSERT_EQ(logo.status, 200) << logo.body;
  EXPECT_EQ(logo.header("Content-Type"), "image/png");
  EXPECT_EQ(logo.body.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_EQ(logo.body.size(), 73U);  // the 2 x 2 PNG's bytes, decoded

  m = http().get("/v1/stores/" + big + "/manifest.webmanifest").json();
  EXPECT_EQ(m["name"], "Kedai Kopi Nusantara Jaya");
  EXPECT_EQ(m["short_name"], "Kedai Kopi N");
  ASSERT_EQ(m["icons"].size(), 1U) << m.dump();
  EXPECT_EQ(m["icons"][0]["sizes"], "256x192");
  EXPECT_EQ(m["icons"][0]["type"], "image/webp");

  EXPECT_EQ(http().get("/v1/stores/Not_A_Store/manifest.webmanifest").status, 404);
  EXPECT_EQ(http().get("/v1/stores/Not_A_Store/logo").status, 404);
}

}  // namespace
}  // namespace setia::it
