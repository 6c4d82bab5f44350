// What the owner's console (adapters/web/console, docs/console.md) needs of
// the REST API, against the real setiad, PostgreSQL and Mosquitto: today's
// figures with refunds counted as refunds, the reports' refunds, the day's
// reservations with their seats and a booking taken by phone, a member's
// vouchers and bookings, the pushes' health; and the console's own files
// served with their policy.
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "rest_fixture.h"

namespace setia::it {
namespace {

using nlohmann::json;

// Now as an occurred_at in Jakarta (the rule file's zone): a sale of today
// whatever the hour, a minute ago so that no clock skew makes it future.
std::string jakarta_now() {
  std::time_t t = std::time(nullptr) - 60 + 7 * 3600;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S+07:00", &tm);
  return buf;
}

std::string jakarta_today() { return jakarta_now().substr(0, 10); }

class RestConsole : public RestTest {
 protected:
  // Sales (and refunds) over MQTT, each waited for.
  void send_events(const std::vector<std::pair<std::string, json>>& events) {
    Probe probe({daemon_->options().topic_prefix + "/+/pos/result"});
    for (const auto& [kind, e] : events) {
      probe.publish(daemon_->options().topic_prefix + "/" + e["store_id"].get<std::string>() + "/pos/" + kind,
                    e.dump());
    }
    ASSERT_EQ(probe.wait("/pos/result", events.size()).size(), events.size());
  }

  json today_sale(const std::string& receipt, long long qty, long long price, const std::string& member = "") {
    auto s = sale(store_, unique("evt"), receipt, qty, price, member);
    s["occurred_at"] = jakarta_now();
    return s;
  }

  json refund(const std::string& receipt, long long amount) {
    return {{"schema", "setia.pos.refund/1"}, {"event_id", unique("ref")},    {"store_id", store_},
            {"receipt_no", receipt},          {"occurred_at", jakarta_now()}, {"amount", amount},
            {"reason", "barang dikembalikan"}};
  }
};

TEST_F(RestConsole, DashboardCountsTheDayTheMonthAndRefundsOnTheirOwnDay) {
  const auto owner = admin_token(*daemon_, store_);
  auto ocha = register_member("Ocha");
  const auto r1 = unique("R"), r2 = unique("R");
  // Rp 52.000 by Ocha, Rp 30.000 by a guest; then Rp 13.000 of Ocha's and
  // all of the guest's given back.
  send_events({{"sale", today_sale(r1, 4, 13000, ocha.code)}, {"sale", today_sale(r2, 2, 15000)}});
  send_events({{"refund", refund(r1, 13000)}, {"refund", refund(r2, 30000)}});

  auto r = http().get("/v1/admin/dashboard", owner);
  ASSERT_EQ(r.status, 200) << r.body;
  auto d = r.json();
  EXPECT_EQ(d["date"], jakarta_today());
  EXPECT_EQ(d["timezone"], "Asia/Jakarta");
  const auto& today = d["today"];
  EXPECT_EQ(today["sales"], 2);
  EXPECT_EQ(today["amount"], 82000);
  EXPECT_EQ(today["refunds"], 2);
  EXPECT_EQ(today["refunded"], 43000);
  EXPECT_EQ(today["net_amount"], 39000);
  EXPECT_EQ(today["member_amount"], 52000);
  EXPECT_EQ(today["member_refunded"], 13000);
  EXPECT_DOUBLE_EQ(today["members_share_pct"].get<double>(), 100.0);
  EXPECT_EQ(today["new_members"], 1);
  EXPECT_EQ(today["points_issued"], 52);
  EXPECT_EQ(today["points_reversed"], 13);
  // The month so far holds today; last month to the same day holds none of it.
  EXPECT_EQ(d["month"]["net_amount"], 39000);
  EXPECT_EQ(d["last_month"]["sales"], 0);
  ASSERT_FALSE(d["month_days"].empty());
  EXPECT_EQ(d["month_days"].back()["period"], jakarta_today());
  EXPECT_EQ(d["month_days"].back()["net_amount"], 39000);
  EXPECT_FALSE(d["last_month_days"].empty());
  ASSERT_EQ(d["top_products"].size(), 1u) << d;
  EXPECT_EQ(d["top_products"][0]["name"], "Nasi Cakalang");
  EXPECT_EQ(d["top_products"][0]["qty"], 6);
  EXPECT_EQ(d["top_products"][0]["amount"], 82000);
  EXPECT_EQ(d["members"], 1);
  EXPECT_EQ(d["reservations"]["bookings"], 0);

  // Another day is another day.
  auto yesterday = http().get("/v1/admin/dashboard?date=2026-01-15", owner);
  ASSERT_EQ(yesterday.status, 200) << yesterday.body;
  EXPECT_EQ(yesterday.json()["today"]["sales"], 0);
  EXPECT_EQ(yesterday.json()["last_month_days"].size(), 31u);  // December 2025, every day
  EXPECT_EQ(http().get("/v1/admin/dashboard?date=kemarin", owner).status, 400);

  // The sales report counts the refunds too.
  auto report = http().get("/v1/admin/reports/sales?from=" + jakarta_today() + "&to=" + jakarta_today(), owner);
  ASSERT_EQ(report.status, 200) << report.body;
  EXPECT_EQ(report.json()["totals"]["refunded"], 43000);
  EXPECT_EQ(report.json()["totals"]["net_amount"], 39000);
  EXPECT_EQ(report.json()["periods"][0]["refunds"], 2);

  // And a customer's spend is what they paid less what was refunded
  // (before: Rp 52.000, the refunded money included).
  auto customers = http().get("/v1/admin/reports/customers", owner);
  ASSERT_EQ(customers.status, 200) << customers.body;
  ASSERT_EQ(customers.json()["top_customers"].size(), 1u) << customers.body;
  EXPECT_EQ(customers.json()["top_customers"][0]["spend"], 39000);
}

TEST_F(RestConsole, TheDayShowsSeatsHeldAndTheShopTakesBookingsForMembersAndGuests) {
  const auto owner = admin_token(*daemon_, store_);
  auto citra = register_member("Citra");
  const auto day = tomorrow_wib();
  auto guest = http().post("/v1/admin/reservations",
                           {{"date", day},
                            {"time", "19:00"},
                            {"party", 4},
                            {"guest", {{"name", "Pak Budi"}, {"phone", "081234567890"}}},
                            {"note", "lewat telepon"}},
                           owner);
  ASSERT_EQ(guest.status, 201) << guest.body;
  const auto g = guest.json()["reservation"];
  EXPECT_TRUE(g["member"].is_null()) << g;
  EXPECT_EQ(g["guest"]["name"], "Pak Budi");
  EXPECT_EQ(g["guest"]["phone"], "081234567890");
  EXPECT_EQ(g["status"], "pending");
  auto member = http().post("/v1/admin/reservations",
                            {{"date", day}, {"time", "19:30"}, {"party", 3}, {"member", citra.code}}, owner);
  ASSERT_EQ(member.status, 201) << member.body;
  EXPECT_EQ(member.json()["reservation"]["member"]["code"], citra.code);
  EXPECT_TRUE(member.json()["reservation"]["guest"].is_null());
  // The member sees it as theirs.
  auto mine = http().get("/v1/me/reservations", citra.token).json();
  ASSERT_EQ(mine["items"].size(), 1u) << mine;

  // 4 + 3 of 10 seats around 19:30: 4 more do not fit.
  auto full = http().post("/v1/admin/reservations",
                          {{"date", day}, {"time", "19:30"}, {"party", 4}, {"guest", {{"name", "Bu Rina"}}}}, owner);
  EXPECT_EQ(full.status, 409) << full.body;
  EXPECT_EQ(full.json()["error"]["reason"], "slot_full");
  // Either a member or a guest; a member of the store.
  EXPECT_EQ(
      http()
          .post("/v1/admin/reservations",
                {{"date", day}, {"time", "12:00"}, {"party", 2}, {"member", citra.code}, {"guest", {{"name", "X"}}}},
                owner)
          .status,
      400);
  EXPECT_EQ(http().post("/v1/admin/reservations", {{"date", day}, {"time", "12:00"}, {"party", 2}}, owner).status, 400);
  EXPECT_EQ(http()
                .post("/v1/admin/reservations",
                      {{"date", day}, {"time", "12:00"}, {"party", 2}, {"member", "MAR-TIDAKADA"}}, owner)
                .status,
            404);
  EXPECT_EQ(http()
                .post("/v1/admin/reservations",
                      {{"date", day}, {"time", "12:00"}, {"party", 2}, {"guest", {{"name", "Baris\nbaru"}}}}, owner)
                .status,
            400);

  auto r = http().get("/v1/admin/reservations?date=" + day, owner);
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = r.json();
  EXPECT_EQ(j["items"].size(), 2u);
  EXPECT_TRUE(j["takes_reservations"].get<bool>());
  EXPECT_FALSE(j["closed"].get<bool>());
  EXPECT_EQ(j["seats"], 10);
  std::map<std::string, json> slots;
  for (const auto& s : j["slots"]) slots[s["time"]] = s;
  ASSERT_EQ(slots.size(), 28u) << j["slots"];  // 08:00 to 21:30, every 30 minutes
  EXPECT_EQ(slots["08:00"]["held"], 0);
  EXPECT_EQ(slots["19:00"]["held"], 4);
  EXPECT_EQ(slots["19:30"]["held"], 7);
  EXPECT_EQ(slots["19:30"]["free"], 3);
  EXPECT_EQ(slots["20:30"]["held"], 3);  // the guest's stay ended at 20:30
  EXPECT_EQ(slots["21:00"]["held"], 0);

  // A guest's booking is confirmed like any other (nobody to push to).
  auto confirmed = http().post("/v1/admin/reservations/" + std::to_string(g["id"].get<long long>()) + "/confirm",
                               json::object(), owner);
  ASSERT_EQ(confirmed.status, 200) << confirmed.body;
  EXPECT_EQ(confirmed.json()["reservation"]["status"], "confirmed");
  EXPECT_EQ(confirmed.json()["reservation"]["guest"]["name"], "Pak Budi");
}

TEST_F(RestConsole, AMembersPageListsTheirVouchersAndBookings) {
  const auto owner = admin_token(*daemon_, store_);
  auto m = register_member("Dewi");
  send_sales({sale(store_, unique("evt"), unique("R"), 1, 150000, m.code)});
  ASSERT_EQ(http().post("/v1/rewards/free-smoothie/redeem", json::object(), m.token).status, 201);
  ASSERT_EQ(
      http().post("/v1/me/reservations", {{"date", tomorrow_wib()}, {"time", "10:00"}, {"party", 2}}, m.token).status,
      201);
  auto r = http().get("/v1/admin/members/" + m.code, owner);
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = r.json();
  ASSERT_EQ(j["vouchers"]["items"].size(), 1u) << j;
  EXPECT_EQ(j["vouchers"]["items"][0]["title"], "Gratis 1 Smoothies");
  ASSERT_EQ(j["reservations"]["items"].size(), 1u) << j;
  EXPECT_EQ(j["reservations"]["items"][0]["time"], "10:00");
  ASSERT_FALSE(j["points_history"]["items"].empty());
}

TEST_F(RestConsole, PushHealthCountsTheStoresOutboxOnly) {
  const auto owner = admin_token(*daemon_, store_);
  auto m = register_member("Eka");
  auto sql = db();
  const std::string other = unique("lain");
  for (const auto& store : {store_, other}) {
    long long n = 0;
    *sql << "INSERT INTO notifications (store_id, member_id, kind, data) VALUES (:s, :m, 'test', '{}') RETURNING id",
        soci::use(store), soci::use(m.id), soci::into(n);
    // One of each: waiting, failing (tried), dead, sent today, sent two days ago.
    *sql
        << "INSERT INTO outbox (store_id, notification_id, device_token, status, attempts, last_error, created_at) VALUES "
           "(:s1, :n1, 'a', 'pending', 0, NULL, now()), (:s2, :n2, 'b', 'pending', 2, 'UNAVAILABLE (503)', now()), "
           "(:s3, :n3, 'c', 'dead', 8, 'UNREGISTERED (404)', now() - interval '1 hour'), "
           "(:s4, :n4, 'd', 'sent', 1, NULL, now()), (:s5, :n5, 'e', 'sent', 1, NULL, now() - interval '2 days')",
        soci::use(store), soci::use(n), soci::use(store), soci::use(n), soci::use(store), soci::use(n),
        soci::use(store), soci::use(n), soci::use(store), soci::use(n);
  }
  auto r = http().get("/v1/admin/pushes", owner);
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = r.json();
  EXPECT_EQ(j["store"], store_);
  EXPECT_EQ(j["sent_last_day"], 1);
  EXPECT_EQ(j["waiting"], 1);
  EXPECT_EQ(j["failing"], 1);
  EXPECT_EQ(j["dead"], 1);
  EXPECT_EQ(j["last_error"], "UNAVAILABLE (503)");
  *sql << "DELETE FROM outbox WHERE store_id IN (:a, :b)", soci::use(store_), soci::use(other);
}

TEST_F(RestConsole, PagesOfAnotherSiteCannotActThroughABrowser) {
  const auto owner = admin_token(*daemon_, store_);
  auto m = register_member("Fajar");
  auto forged = http().request("POST", "/v1/admin/members/" + m.code + "/points", R"({"delta": 500, "reason": "x"})",
                               owner, {{"Content-Type", "application/json"}, {"Origin", "https://evil.example"}});
  EXPECT_EQ(forged.status, 403) << forged.body;
  EXPECT_EQ(forged.json()["error"]["reason"], "cross_site");
  // The same request from the console's own origin, or from an app (no Origin).
  auto own =
      http().request("POST", "/v1/admin/members/" + m.code + "/points", R"({"delta": 5, "reason": "x"})", owner,
                     {{"Content-Type", "application/json"}, {"Origin", "http://127.0.0.1:" + std::to_string(port_)}});
  EXPECT_EQ(own.status, 201) << own.body;
  EXPECT_EQ(http().post("/v1/admin/members/" + m.code + "/points", {{"delta", 5}, {"reason", "x"}}, owner).status, 201);
  // The public address behind a proxy (rest.public_url) is the console's too.
  auto proxied = http().request("POST", "/v1/admin/members/" + m.code + "/points", R"({"delta": 5, "reason": "x"})",
                                owner, {{"Content-Type", "application/json"}, {"Origin", "https://crm.example"}});
  EXPECT_EQ(proxied.status, 201) << proxied.body;
  // Reads carry no risk: an Origin on a GET is not refused.
  auto read = http().request("GET", "/v1/admin/members/" + m.code, "", owner, {{"Origin", "https://evil.example"}});
  EXPECT_EQ(read.status, 200);
  EXPECT_EQ(read.header("access-control-allow-origin"), "") << "no CORS: another site cannot read the answer";
}

class RestConsoleFiles : public RestTest {
 protected:
  void SetUp() override {
    namespace fs = std::filesystem;
    root_ = fs::temp_directory_path() / unique("console");
    fs::create_directories(root_ / "js");
    std::ofstream(root_ / "index.html")
        << "<!doctype html><title>Konsol</title><script type=module src=js/app.js></script>";
    std::ofstream(root_ / "js" / "app.js") << "console.log('setia');\n";
    std::ofstream(root_ / "notes.bak") << "not served\n";
    std::ofstream(root_ / ".secret.js") << "hidden\n";
    secret_ = fs::temp_directory_path() / unique("secret");
    std::ofstream(secret_) << "rahasia\n";
    fs::create_symlink(secret_, root_ / "js" / "escape.js");  // leads out of the folder
    fs::create_symlink(root_ / "js" / "app.js", root_ / "js" / "alias.js");  // stays inside
    start(rest_yaml("  console_dir: " + root_.string() + "\n  chart_js_dir: " + SETIA_SOURCE_DIR +
                    "/adapters/web/console/img\n"));
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
    std::filesystem::remove(secret_, ec);
  }
  std::filesystem::path root_, secret_;
};

TEST_F(RestConsoleFiles, ServesTheConsoleWithItsPolicyAndNothingOutsideIt) {
  auto page = http().get("/console/");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(page.header("content-type"), "text/html; charset=utf-8");
  const auto csp = page.header("content-security-policy");
  EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << csp;
  EXPECT_NE(csp.find("default-src 'self'"), std::string::npos) << csp;
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << csp;
  EXPECT_EQ(page.header("x-content-type-options"), "nosniff");
  EXPECT_EQ(page.header("cache-control"), "no-cache");
  EXPECT_NE(page.body.find("Konsol"), std::string::npos);

  auto js = http().get("/console/js/app.js");
  ASSERT_EQ(js.status, 200);
  EXPECT_EQ(js.header("content-type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(js.body, "console.log('setia');\n");
  // Cached: asked again with its ETag, nothing is sent.
  const auto etag = js.header("etag");
  ASSERT_FALSE(etag.empty());
  auto again = http().request("GET", "/console/js/app.js", "", "", {{"If-None-Match", etag}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(http().get("/console/js/alias.js").status, 200) << "a symlink inside the folder is served";

  auto bare = http().get("/console");
  EXPECT_EQ(bare.status, 301);
  EXPECT_EQ(bare.header("location"), "/console/");
  // The second mount: Chart.js's folder (here the console's images).
  auto chart = http().get("/console/lib/chart.js/setia.svg");
  EXPECT_EQ(chart.status, 200);
  EXPECT_EQ(chart.header("content-type"), "image/svg+xml");

  for (const std::string bad :
       {"/console/js/escape.js", "/console/../setiad.yaml", "/console/js/../../etc/passwd",
        "/console/%2e%2e/%2e%2e/etc/passwd", "/console/js%2f..%2f..%2fetc/passwd", "/console/.secret.js",
        "/console/notes.bak", "/console/js/", "/console/nothing.html", "/console/js/app.js%00.html"}) {
    auto r = http().get(bad);
    EXPECT_EQ(r.status, 404) << bad << ": " << r.body;
    EXPECT_EQ(r.body.find("rahasia"), std::string::npos) << bad;
  }
  auto post = http().request("POST", "/console/", "x");
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(post.header("allow"), "GET, HEAD");
  // The API beside it is as it was.
  EXPECT_EQ(http().get("/v1/admin/me").status, 401);
}

}  // namespace
}  // namespace setia::it
