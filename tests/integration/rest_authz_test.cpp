// The authorization matrix: every member path with another member's ids
// (404, never the data), every member path with an admin token and every
// admin path with a member token (403), every path without a token (401),
// every admin path with another store's admin token (404 for its rows,
// 403 for naming its store), and an admin of every store.
#include "rest_fixture.h"

namespace setia::it {
namespace {

using nlohmann::json;

struct Path {
  std::string method, path;
  json body = nullptr;
};

class RestAuthz : public RestTest {
 protected:
  void SetUp() override {
    RestTest::SetUp();
    a_ = register_member("Alya");
    b_ = register_member("Bima");
    other_store_ = unique("seberang");
    c_ = register_member("Citra", other_store_);
    // B has a sale, a voucher and a device; A has a sale of its own.
    json sb = sale(store_, unique("evt"), "B-1", 4, 13000, b_.code);
    json sa = sale(store_, unique("evt"), "A-1", 2, 13000, a_.code);
    send_sales({sb, sa});
    auto bt = http().get("/v1/me/transactions", b_.token).json();
    b_sale_ = std::to_string(bt["items"][0]["id"].get<long long>());
    b_voucher_ = http().post("/v1/promos/hemat/claim", json::object(), b_.token).json()["voucher"]["code"];
    b_device_ = "fcm-" + unique("b") + ":x";
    ASSERT_EQ(http().post("/v1/me/devices", {{"token", b_device_}}, b_.token).status, 201);
    admin_ = admin_token(*daemon_, store_);
    other_admin_ = admin_token(*daemon_, other_store_);
    all_admin_ = admin_token(*daemon_, "");
    // A dead letter of store_.
    Probe probe({daemon_->options().topic_prefix + "/+/deadletter"});
    probe.publish(daemon_->options().topic_prefix + "/" + store_ + "/pos/sale", "{oops");
    ASSERT_EQ(probe.wait("/deadletter", 1).size(), 1u);
    auto dl = http().get("/v1/admin/deadletters", admin_).json();
    ASSERT_FALSE(dl["items"].empty()) << dl;
    dead_letter_ = std::to_string(dl["items"][0]["id"].get<long long>());
  }

  HttpResponse call(const Path& p, const std::string& token) {
    return http().request(p.method, p.path, p.body.is_null() ? "" : p.body.dump(), token,
                          {{"Content-Type", "application/json"}});
  }

  std::vector<Path> member_paths() const {
    return {{"GET", "/v1/me"},
            {"PATCH", "/v1/me", {{"name", "x"}}},
            {"GET", "/v1/me/qr.svg"},
            {"GET", "/v1/me/qr.png"},
            {"GET", "/v1/me/points"},
            {"GET", "/v1/me/transactions"},
            {"GET", "/v1/me/transactions/" + b_sale_},
            {"GET", "/v1/me/transactions/" + b_sale_ + "/enota.html"},
            {"GET", "/v1/me/vouchers"},
            {"GET", "/v1/me/vouchers/" + b_voucher_ + "/qr.svg"},
            {"GET", "/v1/me/vouchers/" + b_voucher_ + "/qr.png"},
            {"POST", "/v1/me/devices", {{"token", "fcm-x:1"}}},
            {"DELETE", "/v1/me/devices/" + b_device_},
            {"GET", "/v1/me/notifications"},
            {"GET", "/v1/promos"},
            {"POST", "/v1/promos/hemat/claim", json::object()},
            {"GET", "/v1/rewards"},
            {"POST", "/v1/rewards/free-smoothie/redeem", json::object()}};
  }

  std::vector<Path> admin_paths() const {
    std::string b = std::to_string(b_.id);
    return {{"GET", "/v1/admin/members"},
            {"GET", "/v1/admin/members/" + b},
            {"PATCH", "/v1/admin/members/" + b, {{"name", "Bima Admin"}}},
            {"POST", "/v1/admin/members/" + b + "/points", {{"delta", 1}, {"reason", "x"}}},
            {"GET", "/v1/admin/rules"},
            {"GET", "/v1/admin/promos"},
            {"GET", "/v1/admin/deadletters"},
            {"POST", "/v1/admin/deadletters/" + dead_letter_ + "/replay", json::object()},
            {"GET", "/v1/admin/reports/sales?from=2026-11-01&to=2026-11-30"},
            {"GET", "/v1/admin/reports/customers"}};
  }

  TestMember a_, b_, c_;
  std::string other_store_, b_sale_, b_voucher_, b_device_, admin_, other_admin_, all_admin_, dead_letter_;
};

TEST_F(RestAuthz, EveryPathWithoutATokenIs401) {
  for (const auto& p : member_paths()) EXPECT_EQ(call(p, "").status, 401) << p.method << " " << p.path;
  for (const auto& p : admin_paths()) EXPECT_EQ(call(p, "").status, 401) << p.method << " " << p.path;
  EXPECT_EQ(call({"DELETE", "/v1/auth/token"}, "").status, 401);
}

TEST_F(RestAuthz, AnotherMembersIdsAnswer404NeverTheirData) {
  for (const auto& p :
       {Path{"GET", "/v1/me/transactions/" + b_sale_}, Path{"GET", "/v1/me/transactions/" + b_sale_ + "/enota.html"},
        Path{"GET", "/v1/me/vouchers/" + b_voucher_ + "/qr.svg"},
        Path{"GET", "/v1/me/vouchers/" + b_voucher_ + "/qr.png"}, Path{"DELETE", "/v1/me/devices/" + b_device_}}) {
    auto r = call(p, a_.token);
    EXPECT_EQ(r.status, 404) << p.method << " " << p.path << ": " << r.body;
    EXPECT_EQ(r.json()["error"]["code"], "not_found");
    EXPECT_EQ(r.body.find("B-1"), std::string::npos);
    // The same from a member of another store.
    EXPECT_EQ(call(p, c_.token).status, 404) << p.method << " " << p.path;
  }
  // B's device is still B's, B's sale is still B's.
  auto sql = db();
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM devices WHERE token = '" + b_device_ + "'"), 1);
  EXPECT_EQ(call({"GET", "/v1/me/transactions/" + b_sale_}, b_.token).status, 200);
  // Lists show only one's own rows.
  auto mine = http().get("/v1/me/transactions", a_.token).json()["items"];
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0]["receipt_no"], "A-1");
  EXPECT_TRUE(http().get("/v1/me/vouchers", a_.token).json()["items"].empty());
  EXPECT_TRUE(http().get("/v1/me/notifications", c_.token).json()["items"].empty());
  // The member QR is the token's member's own.
  EXPECT_EQ(http().get("/v1/me", a_.token).json()["code"], a_.code);
}

TEST_F(RestAuthz, AdminTokensNeverReachMemberPaths) {
  for (const auto& token : {admin_, all_admin_}) {
    for (const auto& p : member_paths()) {
      auto r = call(p, token);
      EXPECT_EQ(r.status, 403) << p.method << " " << p.path << ": " << r.body;
      EXPECT_EQ(r.json()["error"]["code"], "forbidden");
    }
  }
}

TEST_F(RestAuthz, MemberTokensNeverReachAdminPaths) {
  for (const auto& p : admin_paths()) {
    auto r = call(p, a_.token);
    EXPECT_EQ(r.status, 403) << p.method << " " << p.path << ": " << r.body;
    EXPECT_EQ(r.json()["error"]["code"], "forbidden");
  }
  // Nothing changed through them.
  EXPECT_EQ(http().get("/v1/me", b_.token).json()["name"], "Bima");
}

TEST_F(RestAuthz, TheStoresOwnAdminReachesEveryAdminPath) {
  for (const auto& p : admin_paths()) {
    auto r = call(p, admin_);
    EXPECT_TRUE(r.status == 200 || r.status == 201) << p.method << " " << p.path << ": " << r.status << " " << r.body;
  }
}

TEST_F(RestAuthz, AnotherStoresAdminSeesNothingOfThisStore) {
  std::string b = std::to_string(b_.id);
  // Rows of this store: 404, as if they did not exist.
  for (const auto& p : {Path{"GET", "/v1/admin/members/" + b}, Path{"GET", "/v1/admin/members/" + b_.code},
                        Path{"PATCH", "/v1/admin/members/" + b, {{"name", "Diretas"}}},
                        Path{"POST", "/v1/admin/members/" + b + "/points", {{"delta", 1000}, {"reason", "x"}}},
                        Path{"POST", "/v1/admin/deadletters/" + dead_letter_ + "/replay", json::object()}}) {
    auto r = call(p, other_admin_);
    EXPECT_EQ(r.status, 404) << p.method << " " << p.path << ": " << r.body;
  }
  EXPECT_EQ(http().get("/v1/me", b_.token).json()["name"], "Bima");
  EXPECT_EQ(http().get("/v1/me", b_.token).json()["points"], 52);
  // Naming this store: 403.
  for (const auto& path : {"/v1/admin/members?store=", "/v1/admin/rules?store=", "/v1/admin/promos?store=",
                           "/v1/admin/deadletters?store=", "/v1/admin/reports/customers?store="}) {
    EXPECT_EQ(http().get(path + store_, other_admin_).status, 403) << path;
  }
  EXPECT_EQ(http().get("/v1/admin/reports/sales?from=2026-11-01&to=2026-11-30&store=" + store_, other_admin_).status,
            403);
  // Its lists hold only its own store.
  auto members = http().get("/v1/admin/members?q=Bima", other_admin_).json()["items"];
  for (const auto& m : members) EXPECT_EQ(m["store"], other_store_);
  auto letters = http().get("/v1/admin/deadletters", other_admin_).json()["items"];
  for (const auto& d : letters) EXPECT_EQ(d["store"], other_store_);
  auto own = http().get("/v1/admin/members/" + c_.code, other_admin_);
  EXPECT_EQ(own.status, 200);
}

TEST_F(RestAuthz, AnAdminOfEveryStoreNamesTheStoreWhereOneIsNeeded) {
  EXPECT_EQ(http().get("/v1/admin/members/" + std::to_string(b_.id), all_admin_).status, 200);
  EXPECT_EQ(http().get("/v1/admin/members/" + c_.code, all_admin_).status, 200);
  EXPECT_EQ(http().get("/v1/admin/reports/customers", all_admin_).status, 400);
  EXPECT_EQ(http().get("/v1/admin/reports/customers?store=" + store_, all_admin_).status, 200);
  EXPECT_EQ(http().get("/v1/admin/promos", all_admin_).status, 400);
  auto members = http().get("/v1/admin/members?q=" + a_.email, all_admin_).json()["items"];
  ASSERT_EQ(members.size(), 1u);
  EXPECT_EQ(members[0]["code"], a_.code);
}

}  // namespace
}  // namespace setia::it
