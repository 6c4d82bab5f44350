// A member's way back in and tokens an app renews (docs/rest-api-auth.md):
// a one-time code from the café claims an account enrolled at the till or
// sets a new password; codes are single use, few per hour, and guessing
// them is throttled; refresh tokens are used once, a reuse ends the whole
// login, and a member can log out everywhere.
#include <random>

#include "rest_fixture.h"

namespace setia::it {
namespace {

using nlohmann::json;

class RestRecovery : public RestTest {
 protected:
  void SetUp() override {
    RestTest::SetUp();
    admin_ = admin_token(*daemon_, store_);
  }
  static std::string fresh_phone() {
    static std::mt19937_64 rng{std::random_device{}()};
    return "08" + std::to_string(1000000000 + rng() % 9000000000);
  }
  json code_for(const std::string& member, unsigned want = 201) {
    auto r = http().post("/v1/admin/members/" + member + "/recovery-code", json::object(), admin_);
    EXPECT_EQ(r.status, want) << r.body;
    return r.json();
  }
  HttpResponse recover(const std::string& phone, const std::string& code, const std::string& password,
                       bool refresh = false) {
    json body{{"store", store_}, {"phone", phone}, {"code", code}, {"password", password}};
    if (refresh) body["refresh"] = true;
    return http().post("/v1/auth/recover", body);
  }
  std::string admin_;
};

TEST_F(RestRecovery, AMemberEnrolledAtTheTillClaimsTheAccountWithACodeFromTheCafe) {
  const std::string phone = fresh_phone();
  const std::string code = add_member(*daemon_, store_, "Pak Harjo", phone);
  // The app cannot register the same phone again...
  auto taken = http().post("/v1/auth/register",
                           {{"store", store_}, {"name", "Harjo"}, {"phone", phone}, {"password", "rahasia-harjo"}});
  EXPECT_EQ(taken.status, 409) << taken.body;
  // ...but a code from the counter lets the member set a first password.
  auto issued = code_for(code);
  EXPECT_EQ(issued["purpose"], "claim");
  const std::string one_time = issued["code"];
  EXPECT_EQ(one_time.size(), 9u) << one_time;  // 1234-5678
  auto wrong_phone = recover(fresh_phone(), one_time, "rahasia-harjo");
  EXPECT_EQ(wrong_phone.status, 401) << "the code is the member's, with their phone";
  auto claimed = recover(phone, one_time, "rahasia-harjo");
  ASSERT_EQ(claimed.status, 200) << claimed.body;
  EXPECT_EQ(claimed.json()["member"]["code"], code) << "the same member, with their points and history";
  EXPECT_EQ(http().get("/v1/me", claimed.json()["token"]).status, 200);
  auto again = recover(phone, one_time, "rahasia-lain-1");
  EXPECT_EQ(again.status, 401) << "single use";
  EXPECT_EQ(again.json()["error"]["reason"], "bad_code");
  auto login = http().post("/v1/auth/login", {{"login", phone}, {"password", "rahasia-harjo"}, {"store", store_}});
  EXPECT_EQ(login.status, 200) << login.body;
}

TEST_F(RestRecovery, AForgottenPasswordIsResetWithACodeAndTheOldTokensEnd) {
  auto m = register_member("Lupa");
  auto issued = code_for(m.code);
  EXPECT_EQ(issued["purpose"], "recovery");
  auto reset = recover(m.phone, issued["code"], "password-baru-1");
  ASSERT_EQ(reset.status, 200) << reset.body;
  EXPECT_EQ(http().get("/v1/me", m.token).status, 401) << "every earlier token ends";
  EXPECT_EQ(http().post("/v1/auth/login", {{"login", m.email}, {"password", m.password}}).status, 401);
  EXPECT_EQ(http().post("/v1/auth/login", {{"login", m.email}, {"password", "password-baru-1"}}).status, 200);
  // A too-short password does not use the code up.
  auto next = code_for(m.code);
  EXPECT_EQ(recover(m.phone, next["code"], "pendek").status, 400);
  EXPECT_EQ(recover(m.phone, next["code"], "cukup-panjang").status, 200);
}

TEST_F(RestRecovery, CodesAreFewPerHourAndGuessingThemIsThrottled) {
  auto m = register_member("Tebak");
  code_for(m.code);
  code_for(m.code);
  auto third = code_for(m.code);
  auto fourth = code_for(m.code, 429);
  EXPECT_EQ(fourth["error"]["reason"], "too_many_codes");
  int refused = 0, throttled = 0;
  for (int i = 0; i < 8; ++i) {
    auto r = recover(m.phone, "0000-000" + std::to_string(i), "tebakan-123");
    refused += r.status == 401 ? 1 : 0;
    throttled += r.status == 429 ? 1 : 0;
  }
  EXPECT_EQ(refused, 5) << "rest.login_max_failures wrong codes for one phone";
  EXPECT_EQ(throttled, 3);
  EXPECT_EQ(recover(m.phone, third["code"], "tebakan-123").status, 429) << "then even the right code waits";
}

TEST_F(RestRecovery, RefreshTokensAreUsedOnceAndAReuseEndsTheLogin) {
  auto m = register_member("Segar");
  auto login = http().post("/v1/auth/login", {{"login", m.email}, {"password", m.password}, {"refresh", true}});
  ASSERT_EQ(login.status, 200) << login.body;
  const std::string access = login.json()["token"], refresh = login.json()["refresh_token"];
  ASSERT_FALSE(refresh.empty());
  EXPECT_EQ(http().get("/v1/me", access).status, 200);
  EXPECT_EQ(http().get("/v1/me", refresh).status, 401) << "a refresh token takes no API call";

  auto renewed = http().post("/v1/auth/refresh", {{"refresh_token", refresh}});
  ASSERT_EQ(renewed.status, 200) << renewed.body;
  const std::string access2 = renewed.json()["token"], refresh2 = renewed.json()["refresh_token"];
  EXPECT_NE(refresh2, refresh);
  EXPECT_EQ(http().get("/v1/me", access2).status, 200);
  EXPECT_EQ(http().get("/v1/me", access).status, 401) << "one live access token per login";

  // The old refresh token again (a thief's copy, or the app's): the whole
  // login ends, the new pair too.
  auto reused = http().post("/v1/auth/refresh", {{"refresh_token", refresh}});
  EXPECT_EQ(reused.status, 401);
  EXPECT_EQ(reused.json()["error"]["reason"], "refresh_reused");
  EXPECT_EQ(http().get("/v1/me", access2).status, 401);
  EXPECT_EQ(http().post("/v1/auth/refresh", {{"refresh_token", refresh2}}).status, 401);
  // A token without a refresh token, as before, still works.
  EXPECT_EQ(http().get("/v1/me", m.token).status, 200);
}

TEST_F(RestRecovery, LogoutEverywhereEndsEveryTokenAndAPasswordChangeKeepsOnlyThisLogin) {
  auto m = register_member("Semua");
  auto phone = http().post("/v1/auth/login", {{"login", m.email}, {"password", m.password}, {"refresh", true}}).json();
  auto laptop = http().post("/v1/auth/login", {{"login", m.email}, {"password", m.password}}).json();
  // A password change from the phone: its refresh token stays, the rest end.
  auto changed = http().patch("/v1/me", {{"current_password", m.password}, {"password", "baru-sekali-9"}},
                              phone["token"].get<std::string>());
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(http().get("/v1/me", laptop["token"].get<std::string>()).status, 401);
  EXPECT_EQ(http().get("/v1/me", m.token).status, 401);
  auto renewed = http().post("/v1/auth/refresh", {{"refresh_token", phone["refresh_token"]}});
  ASSERT_EQ(renewed.status, 200) << renewed.body;

  auto tablet = http().post("/v1/auth/login", {{"login", m.email}, {"password", "baru-sekali-9"}}).json();
  auto out = http().post("/v1/auth/logout-all", json::object(), tablet["token"].get<std::string>());
  EXPECT_EQ(out.status, 204) << out.body;
  EXPECT_EQ(http().get("/v1/me", tablet["token"].get<std::string>()).status, 401);
  EXPECT_EQ(http().get("/v1/me", renewed.json()["token"].get<std::string>()).status, 401);
  EXPECT_EQ(http().post("/v1/auth/refresh", {{"refresh_token", renewed.json()["refresh_token"]}}).status, 401);
}

}  // namespace
}  // namespace setia::it
