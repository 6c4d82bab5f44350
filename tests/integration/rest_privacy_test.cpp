// The member's data rights (UU PDP; docs/privacy.md) on a real setiad and
// database: marketing consent is opt-in, every change recorded with what,
// when and from where, an admin records withdrawals only; the export holds
// every part of a member's data, for the member, the store's owner and
// setiactl alike; erasure by the member (password, lapsing points said
// yes to) or by an owner on request (reason; staff may not; a second one
// answers the first), after which no login, no token and no QR finds the
// person, and every sale, point and report still adds up.
#include <chrono>
#include <cstdio>

#include "rest_fixture.h"

namespace setia::it {
namespace {

using nlohmann::json;

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

// Tomorrow in Jakarta (the store's zone): a day whose slots are open.
std::string tomorrow_wib() {
  using namespace std::chrono;
  const year_month_day d{floor<days>(system_clock::now() + hours(7) + days(1))};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                static_cast<unsigned>(d.day()));
  return buf;
}

class RestPrivacy : public RestTest {
 protected:
  HttpResponse erase_me(const TestMember& m, const json& body) {
    return http().request("DELETE", "/v1/me", body.dump(), m.token, {{"Content-Type", "application/json"}});
  }
  CommandResult setiactl(std::vector<std::string> args) {
    args.insert(args.begin(), {SETIACTL_PATH, "--config", daemon_->config_path()});
    return run(args);
  }
  std::string count(const std::string& query) { return std::to_string(scalar(*sql_, query)); }
  long long n(const std::string& query) { return scalar(*sql_, query); }

  // A member with a bit of everything: a sale with the name the till typed
  // (52 points), a claimed voucher, a booking for tomorrow with a note, a
  // device, the sale's notification, promo pushes granted in the app.
  TestMember rich_member(const std::string& name) {
    auto m = register_member(name);
    auto s = sale(m.store, unique("evt"), unique("R"), 4, 13000, m.code);
    s["customer_name"] = name + " di meja 4";
    send_sales({s});
    auto claim = http().post("/v1/promos/hemat/claim", json::object(), m.token);
    EXPECT_EQ(claim.status, 201) << claim.body;
    auto booked = http().post(
        "/v1/me/reservations",
        {{"date", tomorrow_wib()}, {"time", "19:00"}, {"party", 2}, {"note", "ulang tahun " + name}}, m.token);
    EXPECT_EQ(booked.status, 201) << booked.body;
    EXPECT_EQ(http().post("/v1/me/devices", {{"token", "fcm-" + unique("d") + ":APA91bDEVICE"}}, m.token).status, 201);
    EXPECT_EQ(http().patch("/v1/me/consents", {{"push_promo", true}, {"notice", "promo-v1"}}, m.token).status, 200);
    return m;
  }

  std::unique_ptr<soci::session> sql_ = db();
};

TEST_F(RestPrivacy, MarketingConsentIsOptInAndEveryChangeIsRecorded) {
  // Not asked at registration: no.
  auto quiet = register_member("Diam");
  auto me = http().get("/v1/me", quiet.token).json();
  EXPECT_EQ(me["promo_pushes"], false);
  auto c = http().get("/v1/me/consents", quiet.token);
  ASSERT_EQ(c.status, 200) << c.body;
  EXPECT_EQ(c.json()["channels"]["push_promo"],
            json({{"granted", false}, {"since", nullptr}, {"source", nullptr}, {"notice", nullptr}}));
  EXPECT_TRUE(c.json()["history"].empty());

  // Asked at registration and said yes: recorded as such, from the client's address.
  auto phone = "08" + std::to_string(1000000000 + std::random_device{}() % 900000000);
  auto r = http().post(
      "/v1/auth/register",
      {{"store", store_}, {"name", "Mau"}, {"phone", phone}, {"password", "rahasia-mau"}, {"promo_pushes", true}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json()["member"]["promo_pushes"], true);
  const std::string yes_token = r.json()["token"];
  const long long yes_id = r.json()["member"]["id"];
  auto h = http().get("/v1/me/consents", yes_token).json()["history"];
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0]["source"], "registration");
  EXPECT_EQ(h[0]["granted"], true);
  EXPECT_EQ(h[0]["address"], "127.0.0.1");
  EXPECT_TRUE(h[0]["at"].get<std::string>().ends_with("+07:00"));

  // The member's choice in the app, with the wording's version; the same
  // choice again records nothing; PATCH /v1/me's promo_pushes is the same channel.
  r = http().patch("/v1/me/consents", {{"push_promo", true}, {"notice", "promo-2026-12"}}, quiet.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["channels"]["push_promo"]["granted"], true);
  EXPECT_EQ(r.json()["channels"]["push_promo"]["source"], "app");
  EXPECT_EQ(r.json()["channels"]["push_promo"]["notice"], "promo-2026-12");
  EXPECT_EQ(http().get("/v1/me", quiet.token).json()["promo_pushes"], true);
  EXPECT_EQ(http().patch("/v1/me/consents", {{"push_promo", true}}, quiet.token).json()["history"].size(), 1u);
  r = http().patch("/v1/me", {{"promo_pushes", false}}, quiet.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["promo_pushes"], false);
  EXPECT_EQ(count("SELECT count(*) FROM consents WHERE member_id = " + std::to_string(quiet.id) +
                  " AND address = '127.0.0.1' AND source = 'app'"),
            "2");
  EXPECT_EQ(count("SELECT count(*) FROM consents WHERE member_id = " + std::to_string(quiet.id) + " AND store_id = '" +
                  store_ + "'"),
            "2");

  // Refused: a channel Setia does not send on, or not a boolean.
  for (const json& body : {json{{"email_promo", true}}, json{{"sms", true}}, json{{"push_promo", "yes"}},
                           json{{"push_promo", true}, {"notice", std::string(101, 'v')}}}) {
    r = http().patch("/v1/me/consents", body, quiet.token);
    EXPECT_EQ(r.status, 400) << body << ": " << r.body;
  }

  // An admin records the member's withdrawal (by phone), never an opt-in.
  auto admin = admin_token(*daemon_, store_);
  const std::string path = "/v1/admin/members/" + std::to_string(yes_id) + "/consents";
  r = http().patch(path, {{"push_promo", true}}, admin);
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(r.json()["error"]["reason"], "opt_in_is_the_members");
  r = http().patch(path, {{"push_promo", false}, {"note", "asked by phone"}}, admin);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["channels"]["push_promo"]["granted"], false);
  EXPECT_EQ(r.json()["history"][0]["source"], "admin");
  EXPECT_TRUE(r.json()["history"][0]["by"].get<std::string>().starts_with("admin-token:"));
  EXPECT_EQ(r.json()["history"][0]["note"], "asked by phone");
  EXPECT_EQ(http().get(path, admin).json()["channels"]["push_promo"]["granted"], false);
  EXPECT_EQ(http().get("/v1/me", yes_token).json()["promo_pushes"], false);
  // Another store's admin does not reach the member.
  EXPECT_EQ(http().get(path, admin_token(*daemon_, unique("lain"))).status, 404);
}

TEST_F(RestPrivacy, TheExportHoldsEveryPartOfTheMembersDataForTheMemberTheOwnerAndSetiactl) {
  auto m = rich_member("Ocha");
  auto r = http().get("/v1/me/export", m.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.header("content-disposition").find("attachment"), std::string::npos);
  EXPECT_EQ(r.header("cache-control"), "no-store");
  auto j = r.json();
  EXPECT_EQ(j["schema"], "setia.member.export/1");
  EXPECT_EQ(j["member"]["code"], m.code);
  EXPECT_EQ(j["member"]["phone"], m.phone);
  EXPECT_EQ(j["member"]["email"], m.email);
  EXPECT_EQ(j["points"]["balance"], 52);
  ASSERT_EQ(j["points"]["history"].size(), 1u);
  EXPECT_EQ(j["points"]["history"][0]["why"]["rule_ids"], json::array({"base"}));
  ASSERT_EQ(j["transactions"].size(), 1u);
  EXPECT_EQ(j["transactions"][0]["items"][0]["name"], "Nasi Cakalang");
  EXPECT_EQ(j["transactions"][0]["customer"], "Ocha di meja 4");
  EXPECT_TRUE(j["transactions"][0]["links"]["html"].get<std::string>().ends_with("/enota.html"));
  ASSERT_EQ(j["vouchers"].size(), 1u);
  EXPECT_EQ(j["vouchers"][0]["source"], "promo");
  ASSERT_EQ(j["reservations"].size(), 1u);
  EXPECT_EQ(j["reservations"][0]["note"], "ulang tahun Ocha");
  ASSERT_EQ(j["devices"].size(), 1u);
  EXPECT_TRUE(j["devices"][0]["token"].get<std::string>().starts_with("fcm-"));
  EXPECT_EQ(j["devices"][0]["token"].get<std::string>().find("APA91bDEVICE"), std::string::npos)
      << "shortened: recognisable, not usable";
  EXPECT_GE(j["notifications"].size(), 1u);
  EXPECT_EQ(j["notifications"][0]["kind"], "sale_points");
  EXPECT_EQ(j["consents"]["channels"]["push_promo"]["granted"], true);
  EXPECT_EQ(j["consents"]["history"][0]["notice"], "promo-v1");
  EXPECT_GE(j["account"]["sessions"].size(), 1u);
  EXPECT_TRUE(j["account"]["password_set_at"].is_string());
  EXPECT_EQ(r.body.find("$argon2"), std::string::npos) << "no password hash";
  EXPECT_EQ(r.body.find(m.token), std::string::npos) << "no token";

  // The store's owner serves the member's request with the same document;
  // staff do not; another store's admin does not find the member.
  auto admin = admin_token(*daemon_, store_);
  auto a = http().get("/v1/admin/members/" + std::to_string(m.id) + "/export", admin);
  ASSERT_EQ(a.status, 200) << a.body;
  auto aj = a.json();
  aj.erase("exported_at");
  j.erase("exported_at");
  EXPECT_EQ(aj, j);
  auto key =
      setiactl({"admin", "key", "create", "--store", store_, "--name", "kasir", "--role", "staff", "--days", "1"});
  ASSERT_EQ(key.exit_code, 0) << key.err;
  auto staff = http().get("/v1/admin/members/" + std::to_string(m.id) + "/export", trimmed(key.out));
  EXPECT_EQ(staff.status, 403) << staff.body;
  EXPECT_EQ(staff.json()["error"]["reason"], "owner_only");
  EXPECT_EQ(http().get("/v1/admin/members/" + m.code + "/export", admin_token(*daemon_, unique("lain"))).status, 404);

  auto cli = setiactl({"member", "export", m.code});
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  auto cj = json::parse(cli.out);
  EXPECT_EQ(cj["member"], j["member"]);
  EXPECT_EQ(cj["points"], j["points"]);
  EXPECT_EQ(cj["consents"], j["consents"]);
  EXPECT_EQ(cj["transactions"][0]["items"], j["transactions"][0]["items"]);
  EXPECT_NE(setiactl({"member", "export", "TOK-NOBODY99"}).exit_code, 0);
}

TEST_F(RestPrivacy, AMembersErasureRemovesThePersonAndKeepsTheBooks) {
  auto m = rich_member("Nadia");
  const std::string id = std::to_string(m.id);
  const long long store_sales_before = n("SELECT count(*) FROM sales WHERE store_id = '" + store_ + "'");
  const long long member_sales_before =
      n("SELECT count(*) FROM sales WHERE store_id = '" + store_ + "' AND member_id IS NOT NULL");

  auto r = erase_me(m, {{"current_password", "bukan-ini"}, {"forfeit_points", true}});
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(r.json()["error"]["reason"], "wrong_current_password");
  r = erase_me(m, {{"current_password", m.password}});
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(r.json()["error"]["reason"], "points_would_lapse");
  EXPECT_NE(r.body.find("52 points"), std::string::npos) << r.body;
  EXPECT_EQ(http().get("/v1/me", m.token).status, 200) << "nothing happened yet";

  r = erase_me(m, {{"current_password", m.password}, {"forfeit_points", true}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto e = r.json()["erasure"];
  EXPECT_EQ(r.json()["already_erased"], false);
  EXPECT_EQ(e["requested_by"], "member");
  EXPECT_EQ(e["points_forfeited"], 52);
  EXPECT_EQ(e["removed"]["devices"], 1);
  EXPECT_EQ(e["removed"]["vouchers_voided"], 1);
  EXPECT_EQ(e["removed"]["reservations_cancelled"], 1);
  EXPECT_EQ(r.body.find("Nadia"), std::string::npos);

  // No token, no login, no QR finds the person.
  EXPECT_EQ(http().get("/v1/me", m.token).status, 401);
  EXPECT_EQ(http().post("/v1/auth/login", {{"login", m.phone}, {"password", m.password}}).status, 401);
  EXPECT_EQ(http().post("/v1/auth/login", {{"login", m.email}, {"password", m.password}}).status, 401);
  auto late = sale(store_, unique("evt"), unique("R"), 2, 13000, m.code);
  Probe probe({daemon_->options().topic_prefix + "/+/pos/result"});
  probe.publish(daemon_->options().topic_prefix + "/" + store_ + "/pos/sale", late.dump());
  auto got = probe.wait("/pos/result", 1);
  ASSERT_EQ(got.size(), 1u);
  auto result = json::parse(got[0].second);
  EXPECT_EQ(result["status"], "applied");
  EXPECT_EQ(result["member"]["found"], false) << got[0].second;
  auto admin = admin_token(*daemon_, store_);
  EXPECT_EQ(http().get("/v1/admin/members/" + id, admin).status, 404);
  EXPECT_EQ(http().get("/v1/admin/members/" + m.code, admin).status, 404);
  EXPECT_TRUE(http().get("/v1/admin/members?q=Nadia", admin).json()["items"].empty());

  // The row is empty; what was only the person's is gone.
  EXPECT_EQ(count("SELECT count(*) FROM members WHERE id = " + id +
                  " AND name = '' AND email IS NULL AND birth_date IS NULL AND erased_at IS NOT NULL "
                  "AND code LIKE 'erased-%' AND length(code) > 64 AND phone = code AND points = 0"),
            "1");
  for (const char* table : {"devices", "member_credentials", "notifications", "birthday_gifts"}) {
    EXPECT_EQ(count(std::string("SELECT count(*) FROM ") + table + " WHERE member_id = " + id), "0") << table;
  }
  EXPECT_EQ(count("SELECT count(*) FROM api_tokens WHERE member_id = " + id), "0");
  EXPECT_EQ(count("SELECT count(*) FROM vouchers WHERE member_id = " + id + " AND status = 'active'"), "0");
  EXPECT_EQ(count("SELECT count(*) FROM reservations WHERE member_id = " + id +
                  " AND (status <> 'cancelled' OR note IS NOT NULL)"),
            "0");
  EXPECT_EQ(count("SELECT count(*) FROM sales WHERE member_id = " + id + " AND customer_name IS NOT NULL"), "0");
  EXPECT_EQ(count("SELECT count(*) FROM consents WHERE member_id = " + id + " AND address IS NOT NULL"), "0");
  EXPECT_EQ(count("SELECT count(*) FROM events e JOIN sales s ON s.store_id = e.store_id AND s.event_id = e.event_id "
                  "WHERE s.member_id = " +
                  id + " AND e.result::text LIKE '%" + m.code + "%'"),
            "0")
      << "the stored results no longer carry the old code";
  // The consent record stays, withdrawn by the erasure.
  EXPECT_EQ(count("SELECT granted::int FROM consents WHERE member_id = " + id + " ORDER BY id DESC LIMIT 1"), "0");
  EXPECT_EQ(count("SELECT count(*) FROM consents WHERE member_id = " + id + " AND source = 'erasure'"), "1");

  // The books: the sales stay (counted as members' sales), the balance is
  // the ledger's sum (0, the points lapsed by an audited adjustment).
  EXPECT_EQ(n("SELECT count(*) FROM sales WHERE store_id = '" + store_ + "'"), store_sales_before + 1);
  EXPECT_EQ(n("SELECT count(*) FROM sales WHERE store_id = '" + store_ + "' AND member_id IS NOT NULL"),
            member_sales_before);
  EXPECT_EQ(count("SELECT coalesce(sum(points), 0) FROM points_ledger WHERE member_id = " + id), "0");
  EXPECT_EQ(count("SELECT coalesce(sum(remaining), 0) FROM points_ledger WHERE member_id = " + id), "0");
  EXPECT_EQ(count("SELECT delta FROM points_adjustments WHERE member_id = " + id), "-52");
  auto report = http().get("/v1/admin/reports/sales?from=2026-11-23&to=2026-11-23", admin);
  ASSERT_EQ(report.status, 200) << report.body;
  EXPECT_EQ(report.json()["totals"]["member_sales"], member_sales_before);
  // The record of the erasure names no one.
  EXPECT_EQ(count("SELECT count(*) FROM member_erasures WHERE member_id = " + id +
                  " AND requested_by = 'member' AND points_forfeited = 52 AND removed::text NOT LIKE '%Nadia%'"),
            "1");
}

TEST_F(RestPrivacy, AnOwnerErasesOnRequestOnceAndSetiactlToo) {
  auto m = rich_member("Rudi");
  auto admin = admin_token(*daemon_, store_);
  const std::string path = "/v1/admin/members/" + std::to_string(m.id) + "/erase";
  EXPECT_EQ(http().post(path, json::object(), admin).status, 400) << "a reason is needed";
  auto key =
      setiactl({"admin", "key", "create", "--store", store_, "--name", "kasir", "--role", "staff", "--days", "1"});
  ASSERT_EQ(key.exit_code, 0) << key.err;
  EXPECT_EQ(http().post(path, {{"reason", "ticket 7"}}, trimmed(key.out)).status, 403) << "staff may not";
  EXPECT_EQ(http().post(path, {{"reason", "ticket 7"}}, admin_token(*daemon_, unique("lain"))).status, 404);
  EXPECT_EQ(http().get("/v1/me", m.token).status, 200) << "nothing happened yet";

  auto r = http().post(path, {{"reason", "ticket 7"}}, admin);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["already_erased"], false);
  EXPECT_TRUE(r.json()["erasure"]["requested_by"].get<std::string>().starts_with("admin-token:"));
  EXPECT_EQ(r.json()["erasure"]["reason"], "ticket 7");
  EXPECT_EQ(r.json()["erasure"]["points_forfeited"], 52) << "an owner's erasure lets the points lapse too";
  const long long erasure = r.json()["erasure"]["id"];
  EXPECT_EQ(http().get("/v1/me", m.token).status, 401);
  // Again, by id or by the old code: the first erasure's record.
  for (const auto& again : {path, "/v1/admin/members/" + m.code + "/erase"}) {
    r = http().post(again, {{"reason", "ticket 7, again"}}, admin);
    ASSERT_EQ(r.status, 200) << again << ": " << r.body;
    EXPECT_EQ(r.json()["already_erased"], true);
    EXPECT_EQ(r.json()["erasure"]["id"], erasure);
  }
  EXPECT_EQ(count("SELECT count(*) FROM member_erasures WHERE member_id = " + std::to_string(m.id)), "1");
  // The admins were told of the booking the erasure cancelled (the store's
  // rules notify them), without a name.
  EXPECT_EQ(count("SELECT count(*) FROM notifications WHERE store_id = '" + store_ +
                  "' AND member_id IS NULL AND kind = 'reservation_cancelled' AND data::text NOT LIKE '%Rudi%'"),
            "1");

  // setiactl: the same service, by code; a second run answers the first.
  auto other = rich_member("Sinta");
  auto cli = setiactl({"member", "erase", other.code, "--reason", "asked at the counter"});
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  auto cj = json::parse(cli.out);
  EXPECT_EQ(cj["already_erased"], false);
  EXPECT_TRUE(cj["erasure"]["requested_by"].get<std::string>().starts_with("cli:"));
  cli = setiactl({"member", "erase", other.code, "--reason", "asked at the counter"});
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  EXPECT_EQ(json::parse(cli.out)["already_erased"], true);
  EXPECT_EQ(http().get("/v1/me", other.token).status, 401);
  EXPECT_NE(setiactl({"member", "erase", other.code}).exit_code, 0) << "--reason is required";
}

TEST_F(RestPrivacy, SetiactlShowsConsentsAndRecordsAWithdrawal) {
  auto m = register_member("Tono");
  ASSERT_EQ(http().patch("/v1/me/consents", {{"push_promo", true}}, m.token).status, 200);
  auto shown = setiactl({"member", "consents", m.code});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_EQ(json::parse(shown.out)["channels"]["push_promo"]["granted"], true);
  auto withdrawn = setiactl({"member", "consents", m.code, "--withdraw", "push_promo", "--note", "by phone"});
  ASSERT_EQ(withdrawn.exit_code, 0) << withdrawn.err;
  auto j = json::parse(withdrawn.out);
  EXPECT_EQ(j["channels"]["push_promo"]["granted"], false);
  EXPECT_EQ(j["history"][0]["source"], "setiactl");
  EXPECT_EQ(j["history"][0]["note"], "by phone");
  EXPECT_EQ(http().get("/v1/me", m.token).json()["promo_pushes"], false);
  EXPECT_NE(setiactl({"member", "consents", m.code, "--withdraw", "email_promo"}).exit_code, 0);
}

}  // namespace
}  // namespace setia::it
