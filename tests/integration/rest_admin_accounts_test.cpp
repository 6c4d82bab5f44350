// Admin accounts with roles (docs/admin-accounts.md): an owner made by
// setiactl logs in, adds staff, sets their points limit and disables them;
// staff reach the day's work and nothing else; API keys are listed and
// revoked; the old admin tokens keep working; wrong passwords are
// throttled like the members'.
#include <tuple>

#include "rest_fixture.h"

namespace setia::it {
namespace {

using nlohmann::json;

class RestAdminAccounts : public RestTest {};

TEST_F(RestAdminAccounts, AnOwnerAddsStaffWhoReachTheDaysWorkAndNothingElse) {
  const std::string owner_login = unique("pemilik") + "@example.com";
  add_admin_with_setiactl({"--store", store_, "--login", owner_login, "--name", "Bu Rina", "--role", "owner"},
                          "rahasia-pemilik");
  auto owner = admin_login(owner_login, "rahasia-pemilik");
  ASSERT_FALSE(owner.empty());
  auto me = http().get("/v1/admin/me", owner).json();
  EXPECT_EQ(me["role"], "owner");
  EXPECT_EQ(me["store"], store_);
  EXPECT_EQ(me["kind"], "session");

  // The owner adds a cashier with a limit of 100 points.
  const std::string staff_login = unique("kasir") + "@example.com";
  auto added = http().post("/v1/admin/admins",
                           {{"login", staff_login},
                            {"name", "Dimas"},
                            {"role", "staff"},
                            {"password", "rahasia-kasir"},
                            {"points_limit", 100}},
                           owner);
  ASSERT_EQ(added.status, 201) << added.body;
  const long long staff_id = added.json()["id"];
  EXPECT_EQ(added.json()["store"], store_);
  EXPECT_EQ(added.json()["points_limit"], 100);
  EXPECT_EQ(http()
                .post("/v1/admin/admins",
                      {{"login", staff_login}, {"name", "x"}, {"role", "staff"}, {"password", "rahasia-kasir"}}, owner)
                .status,
            409);
  EXPECT_EQ(
      http()
          .post("/v1/admin/admins",
                {{"login", "op@example.com"}, {"name", "x"}, {"role", "operator"}, {"password", "rahasia-op!"}}, owner)
          .status,
      403)
      << "an owner makes no operators";
  EXPECT_EQ(http()
                .post("/v1/admin/admins",
                      {{"store", "another-store"},
                       {"login", unique("x") + "@example.com"},
                       {"name", "x"},
                       {"role", "staff"},
                       {"password", "rahasia-kasir"}},
                      owner)
                .status,
            403)
      << "nor admins of another store";

  auto staff = admin_login(staff_login, "rahasia-kasir");
  auto m = register_member("Wulan");
  // What staff may do.
  EXPECT_EQ(http().get("/v1/admin/members?q=Wulan", staff).status, 200);
  EXPECT_EQ(http().get("/v1/admin/members/" + m.code, staff).status, 200);
  EXPECT_EQ(http().get("/v1/admin/deadletters", staff).status, 200);
  EXPECT_EQ(http().get("/v1/admin/reservations?date=2030-01-02", staff).status, 200);
  auto ok = http().post("/v1/admin/members/" + m.code + "/points", {{"delta", 100}, {"reason", "kompensasi"}}, staff);
  EXPECT_EQ(ok.status, 201) << ok.body;
  EXPECT_NE(ok.json()["adjustment"]["by"].get<std::string>().find(staff_login), std::string::npos)
      << "the audit names the person";
  auto over = http().post("/v1/admin/members/" + m.code + "/points", {{"delta", -101}, {"reason", "salah"}}, staff);
  EXPECT_EQ(over.status, 403);
  EXPECT_EQ(over.json()["error"]["reason"], "over_points_limit");
  // What staff may not do: the owners' paths are refused, whatever the
  // store.
  for (const auto& path : {"/v1/admin/reports/sales?from=2026-01-01&to=2026-01-31", "/v1/admin/rules",
                           "/v1/admin/promos", "/v1/admin/admins", "/v1/admin/apikeys"}) {
    auto r = http().get(path, staff);
    EXPECT_EQ(r.status, 403) << path << " " << r.body;
  }
  EXPECT_EQ(http().patch("/v1/admin/members/" + m.code, {{"name", "W"}}, staff).status, 403);
  EXPECT_EQ(http().post("/v1/admin/deadletters/1/replay", json::object(), staff).status, 403);

  // The owner raises the limit: it holds from the next request on.
  auto raised = http().patch("/v1/admin/admins/" + std::to_string(staff_id), {{"points_limit", 500}}, owner);
  ASSERT_EQ(raised.status, 200) << raised.body;
  EXPECT_EQ(http().post("/v1/admin/members/" + m.code + "/points", {{"delta", 200}, {"reason", "acara"}}, staff).status,
            201);
  // Disabled: the session ends at once, and the login is refused.
  auto off = http().patch("/v1/admin/admins/" + std::to_string(staff_id), {{"disabled", true}}, owner);
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_TRUE(off.json()["disabled"].get<bool>());
  EXPECT_EQ(http().get("/v1/admin/members", staff).status, 401);
  EXPECT_EQ(http().post("/v1/admin/login", {{"login", staff_login}, {"password", "rahasia-kasir"}}).status, 403);
  // The last owner cannot be disabled.
  auto list = http().get("/v1/admin/admins", owner).json()["items"];
  long long owner_id = 0;
  for (const auto& a : list)
    if (a["login"] == owner_login) owner_id = a["id"];
  ASSERT_NE(owner_id, 0);
  auto last = http().patch("/v1/admin/admins/" + std::to_string(owner_id), {{"disabled", true}}, owner);
  EXPECT_EQ(last.status, 409);
  EXPECT_EQ(last.json()["error"]["reason"], "last_owner");
}

TEST_F(RestAdminAccounts, AnOwnerChangesTheirPasswordAndOtherSessionsEnd) {
  const std::string email = unique("owner") + "@example.com";
  add_admin_with_setiactl({"--store", store_, "--login", email, "--name", "Pak Budi", "--role", "owner"},
                          "pertama-123");
  auto phone = admin_login(email, "pertama-123");
  auto laptop = admin_login(email, "pertama-123");
  EXPECT_EQ(
      http().patch("/v1/admin/me", {{"current_password", "salah-salah"}, {"password", "kedua-4567"}}, laptop).status,
      403);
  auto changed =
      http().patch("/v1/admin/me", {{"current_password", "pertama-123"}, {"password", "kedua-4567"}}, laptop);
  EXPECT_EQ(changed.status, 204) << changed.body;
  EXPECT_EQ(http().get("/v1/admin/me", laptop).status, 200) << "the session that changed it stays";
  EXPECT_EQ(http().get("/v1/admin/me", phone).status, 401) << "every other session ends";
  admin_login(email, "pertama-123", 401);
  admin_login(email, "kedua-4567");
}

// PATCH /v1/admin/admins/{id} {"password"} is for a staff member who forgot
// theirs. An owner's password is theirs to change, with the current one
// (PATCH /v1/admin/me): neither their own session (stolen, it would keep
// the account for good) nor a co-owner nor an operator sets it here.
TEST_F(RestAdminAccounts, OnlyAStaffPasswordIsSetByAnotherNeverAnOwners) {
  const std::string email = unique("owner") + "@example.com", co_email = unique("owner") + "@example.com";
  const long long owner_id = add_admin_with_setiactl(
      {"--store", store_, "--login", email, "--name", "Rina", "--role", "owner"}, "pertama-123");
  const long long co_id = add_admin_with_setiactl(
      {"--store", store_, "--login", co_email, "--name", "Budi", "--role", "owner"}, "budi-12345");
  auto owner = admin_login(email, "pertama-123");
  auto other_session = admin_login(email, "pertama-123");
  auto co_owner = admin_login(co_email, "budi-12345");
  const std::string staff_email = unique("kasir") + "@example.com";
  auto added =
      http().post("/v1/admin/admins",
                  {{"login", staff_email}, {"name", "Dimas"}, {"role", "staff"}, {"password", "lupa-lupa"}}, owner);
  ASSERT_EQ(added.status, 201) << added.body;
  const long long staff_id = added.json()["id"];
  auto staff = admin_login(staff_email, "lupa-lupa");

  auto set = [&](long long id, const std::string& token) {
    return http().patch("/v1/admin/admins/" + std::to_string(id), {{"password", "diambil-alih"}}, token);
  };
  for (const auto& [id, token, what] :
       {std::tuple{owner_id, owner, "their own"}, std::tuple{co_id, owner, "a co-owner's"},
        std::tuple{owner_id, admin_token(*daemon_, ""), "an operator, an owner's"}}) {
    auto r = set(id, token);
    EXPECT_EQ(r.status, 403) << what << ": " << r.body;
    EXPECT_EQ(r.json()["error"]["reason"], "not_staff") << r.body;
  }
  EXPECT_EQ(http().get("/v1/admin/me", other_session).status, 200) << "the owner's other sessions stay";
  EXPECT_EQ(http().get("/v1/admin/me", co_owner).status, 200);
  admin_login(email, "diambil-alih", 401);
  admin_login(co_email, "diambil-alih", 401);
  admin_login(co_email, "budi-12345");

  // A staff member's: set by their owner, and their sessions end.
  auto r = set(staff_id, owner);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(http().get("/v1/admin/me", staff).status, 401);
  admin_login(staff_email, "diambil-alih");
}

TEST_F(RestAdminAccounts, WrongPasswordsAreThrottledAndAnUnknownLoginLooksTheSame) {
  const std::string email = unique("owner") + "@example.com";
  add_admin_with_setiactl({"--store", store_, "--login", email, "--name", "Sari", "--role", "owner"}, "benar-benar");
  auto unknown = http().post("/v1/admin/login", {{"login", "nobody@example.com"}, {"password", "benar-benar"}});
  auto wrong = http().post("/v1/admin/login", {{"login", email}, {"password", "salah-salah"}});
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(unknown.json()["error"], wrong.json()["error"]) << "the same answer: no account discovery";
  for (int i = 0; i < 10; ++i) http().post("/v1/admin/login", {{"login", email}, {"password", "salah-salah"}});
  auto throttled = http().post("/v1/admin/login", {{"login", email}, {"password", "benar-benar"}});
  EXPECT_EQ(throttled.status, 429) << throttled.body;
}

TEST_F(RestAdminAccounts, ApiKeysAreListedRevokedAndHeldToTheirRole) {
  const std::string email = unique("owner") + "@example.com";
  add_admin_with_setiactl({"--store", store_, "--login", email, "--name", "Rina", "--role", "owner"}, "rahasia-rina");
  auto owner = admin_login(email, "rahasia-rina");
  EXPECT_EQ(http().post("/v1/admin/apikeys", {{"name", "kiosk"}, {"days", 91}}, owner).status, 400)
      << "at most 90 days";
  auto made = http().post("/v1/admin/apikeys", {{"name", "kiosk meja 3"}, {"role", "staff"}, {"days", 30}}, owner);
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string key = made.json()["key"];
  const long long id = made.json()["id"];
  EXPECT_EQ(http().get("/v1/admin/members", key).status, 200);
  EXPECT_EQ(http().get("/v1/admin/reports/sales?from=2026-01-01&to=2026-01-31", key).status, 403)
      << "a staff key is staff";
  auto listed = http().get("/v1/admin/apikeys", owner).json()["items"];
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0]["name"], "kiosk meja 3");
  EXPECT_FALSE(listed[0].contains("key")) << "a key is shown once";
  // Another store's owner (an old token) does not see or revoke it.
  auto other = admin_token(*daemon_, unique("lain"));
  EXPECT_EQ(http().get("/v1/admin/apikeys", other).json()["items"].size(), 0u);
  EXPECT_EQ(http().del("/v1/admin/apikeys/" + std::to_string(id), other).status, 404);
  EXPECT_EQ(http().del("/v1/admin/apikeys/" + std::to_string(id), owner).status, 204);
  EXPECT_EQ(http().get("/v1/admin/members", key).status, 401) << "revoked at once";
}

TEST_F(RestAdminAccounts, OldAdminTokensKeepWorkingAsOwnersAndOperators) {
  auto store_token = admin_token(*daemon_, store_);
  auto all_token = admin_token(*daemon_, "");
  EXPECT_EQ(http().get("/v1/admin/me", store_token).json()["role"], "owner");
  EXPECT_EQ(http().get("/v1/admin/me", all_token).json()["role"], "operator");
  EXPECT_EQ(http().get("/v1/admin/reports/sales?from=2026-01-01&to=2026-01-31", store_token).status, 200);
  // An operator adds a store's first owner through the API.
  auto r = http().post(
      "/v1/admin/admins?store=" + store_,
      {{"login", unique("o") + "@example.com"}, {"name", "Owner"}, {"role", "owner"}, {"password", "rahasia-owner"}},
      all_token);
  EXPECT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json()["store"], store_);
}

}  // namespace
}  // namespace setia::it
