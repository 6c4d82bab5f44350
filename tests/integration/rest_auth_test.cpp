// Accounts and tokens: registration, login by email or phone, the same
// answer (and about the same time) for an unknown login and a wrong
// password, rate limits per account and per address, logout, password
// change, argon2id rehash, tokens stored only as digests, admin tokens.
#include <sodium.h>

#include <algorithm>
#include <thread>

#include "rest_fixture.h"

namespace setia::it {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

class RestAuth : public RestTest {
 protected:
  HttpResponse login(const std::string& login, const std::string& password, const std::string& forwarded = "") {
    std::map<std::string, std::string> h{{"Content-Type", "application/json"}};
    if (!forwarded.empty()) h["X-Forwarded-For"] = forwarded;
    return http().request("POST", "/v1/auth/login", json{{"login", login}, {"password", password}}.dump(), "", h);
  }
};

std::string sha256_hex(const std::string& s) {
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, reinterpret_cast<const unsigned char*>(s.data()), s.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, h, sizeof h);
  return hex;
}

TEST_F(RestAuth, RegisterGivesTheMemberAndAWorkingToken) {
  auto r = http().post("/v1/auth/register", {{"store", store_},
                                             {"name", "Ocha"},
                                             {"phone", "+62 812-0000-0001"},
                                             {"email", unique("ocha") + "@Example.com"},
                                             {"birth_date", "1999-05-27"},
                                             {"password", "rahasia123"}});
  ASSERT_EQ(r.status, 201) << r.body;
  auto j = r.json();
  std::string token = j["token"];
  EXPECT_EQ(token.size(), 43u);  // 32 bytes, base64url without padding
  EXPECT_EQ(j["token_type"], "Bearer");
  EXPECT_TRUE(j["expires_at"].get<std::string>().ends_with("+07:00")) << j;
  EXPECT_EQ(j["member"]["store"], store_);
  EXPECT_EQ(j["member"]["name"], "Ocha");
  EXPECT_EQ(j["member"]["birth_date"], "1999-05-27");
  EXPECT_EQ(j["member"]["points"], 0);
  EXPECT_EQ(j["member"]["code"].get<std::string>().substr(0, 4), "TOK-");

  auto me = http().get("/v1/me", token);
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.json()["code"], j["member"]["code"]);

  // The database holds an argon2id hash and the token's digest, never the
  // password or the token.
  auto sql = db();
  long long id = j["member"]["id"];
  std::string hash;
  *sql << "SELECT password_hash FROM member_credentials WHERE member_id = :m", soci::use(id), soci::into(hash);
  EXPECT_TRUE(hash.starts_with("$argon2id$v=19$m=8192,t=1,p=1$")) << hash;
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM api_tokens WHERE digest = '" + sha256_hex(token) + "'"), 1);
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM api_tokens WHERE digest = '" + token + "'"), 0);
}

TEST_F(RestAuth, RegistrationIsValidatedAndUniquePerStore) {
  auto ok = register_member("Nino");
  auto post = [&](const json& body) { return http().post("/v1/auth/register", body); };
  json base = {{"store", store_}, {"name", "X"}, {"phone", "081299990000"}, {"password", "rahasia123"}};

  auto short_pw = base;
  short_pw["password"] = "1234567";
  auto r = post(short_pw);
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.json()["error"]["message"].get<std::string>().find("password"), std::string::npos);

  auto no_phone = base;
  no_phone.erase("phone");
  r = post(no_phone);
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.json()["error"]["message"].get<std::string>().find("phone"), std::string::npos);

  auto bad_date = base;
  bad_date["birth_date"] = "2021-02-29";
  EXPECT_EQ(post(bad_date).status, 400);

  auto extra = base;
  extra["points"] = 1000;
  r = post(extra);
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.json()["error"]["message"].get<std::string>().find("points"), std::string::npos);

  auto bad_store = base;
  bad_store["store"] = "Not A Store!";
  EXPECT_EQ(post(bad_store).status, 400);

  // The same phone, or the same email in another case, in the same store: 409.
  auto same_phone = base;
  same_phone["phone"] = ok.phone;
  r = post(same_phone);
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(r.json()["error"]["code"], "conflict");
  EXPECT_EQ(r.json()["error"]["reason"], "phone_taken");
  // Typed another way ("0812 3456-7890" for "081234567890"), as login reads
  // it: the same phone, answered exactly as the same spelling is, so the
  // spelling tells nothing more.
  auto respelled = base;
  respelled["phone"] = ok.phone.substr(0, 4) + " " + ok.phone.substr(4, 4) + "-" + ok.phone.substr(8);
  auto r2 = post(respelled);
  EXPECT_EQ(r2.status, 409) << r2.body;
  EXPECT_EQ(r2.body, r.body);
  auto same_email = base;
  std::string upper = ok.email;
  std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
  same_email["email"] = upper;
  EXPECT_EQ(post(same_email).status, 409);
  // In another store the same phone is another member.
  auto other = base;
  other["store"] = unique("lain");
  other["phone"] = ok.phone;
  EXPECT_EQ(post(other).status, 201);
}

TEST_F(RestAuth, LoginByEmailOrPhoneAndOneAnswerForEveryFailure) {
  auto m = register_member("Sari");
  auto by_email = login(m.email, m.password);
  ASSERT_EQ(by_email.status, 200) << by_email.body;
  EXPECT_EQ(by_email.json()["member"]["code"], m.code);
  EXPECT_EQ(http().get("/v1/me", by_email.json()["token"]).status, 200);
  // The phone as typed another way (spaces, dashes) is the same login.
  std::string spaced = m.phone.substr(0, 4) + " " + m.phone.substr(4, 4) + "-" + m.phone.substr(8);
  auto by_phone = login(spaced, m.password);
  ASSERT_EQ(by_phone.status, 200) << by_phone.body;
  // A new token each time.
  EXPECT_NE(by_email.json()["token"], by_phone.json()["token"]);

  auto wrong = login(m.email, "not-the-password");
  auto unknown = login(unique("nobody") + "@example.com", "not-the-password");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(wrong.body, unknown.body);  // nothing tells which accounts exist
  EXPECT_EQ(wrong.json()["error"]["code"], "unauthenticated");
}

TEST_F(RestAuth, LoginIsRateLimitedPerAccount) {
  start(rest_yaml("  login_max_failures: 3\n  login_failure_window_s: 60\n"));
  auto m = register_member("Dewi");
  auto other = register_member("Eka");
  for (int i = 0; i < 3; ++i) EXPECT_EQ(login(m.email, "wrong").status, 401);
  auto limited = login(m.email, "wrong");
  EXPECT_EQ(limited.status, 429) << limited.body;
  EXPECT_EQ(limited.json()["error"]["code"], "rate_limited");
  int retry = std::atoi(limited.header("retry-after").c_str());
  EXPECT_GE(retry, 1);
  EXPECT_LE(retry, 60);
  // Even the right password waits: the guesser does not learn it is right.
  EXPECT_EQ(login(m.email, m.password).status, 429);
  // The count is in the database: a restarted daemon, or another one
  // behind the same balancer, goes on with it.
  start(rest_yaml("  login_max_failures: 3\n  login_failure_window_s: 60\n"));
  EXPECT_EQ(login(m.email, m.password).status, 429);
  // Another account is not affected...
  EXPECT_EQ(login(other.email, other.password).status, 200);
  // ...and a phone typed in other ways is one login: no more guesses.
  std::string p = other.phone;
  EXPECT_EQ(login(p, "wrong").status, 401);
  EXPECT_EQ(login(p.substr(0, 4) + " " + p.substr(4), "wrong").status, 401);
  EXPECT_EQ(login(p.substr(0, 4) + "-" + p.substr(4, 4) + "-" + p.substr(8), "wrong").status, 401);
  EXPECT_EQ(login(p, other.password).status, 429);
}

TEST_F(RestAuth, LoginIsRateLimitedPerClientAddress) {
  start(rest_yaml("  login_max_attempts_per_address: 5\n  login_address_window_s: 60\n  trust_forwarded_for: true\n"));
  auto m = register_member("Fajar");
  for (int i = 0; i < 5; ++i) {
    auto r = login(unique("spray") + "@example.com", "guess", "10.9.8.7");
    EXPECT_EQ(r.status, 401) << r.body;
  }
  auto limited = login(m.email, m.password, "10.9.8.7");
  EXPECT_EQ(limited.status, 429);
  EXPECT_FALSE(limited.header("retry-after").empty());
  // Only the last X-Forwarded-For entry (the proxy's) counts: a forged
  // first entry does not escape the limit...
  EXPECT_EQ(login(m.email, m.password, "1.2.3.4, 10.9.8.7").status, 429);
  // ...and another address logs in.
  EXPECT_EQ(login(m.email, m.password, "10.9.8.8").status, 200);
  // Registrations (an argon2 hash each) count against the address too.
  auto reg = http().request(
      "POST", "/v1/auth/register",
      json{{"store", store_}, {"name", "Spam"}, {"phone", "081211112222"}, {"password", "rahasia123"}}.dump(), "",
      {{"Content-Type", "application/json"}, {"X-Forwarded-For", "10.9.8.7"}});
  EXPECT_EQ(reg.status, 429) << reg.body;
}

// X-Forwarded-For is read only from the configured proxies: a client that
// is not one of them cannot spread its guesses over invented addresses.
TEST_F(RestAuth, ForwardedForFromAnAddressThatIsNoProxyIsIgnored) {
  start(
      rest_yaml("  login_max_attempts_per_address: 4\n  login_address_window_s: 60\n"
                "  trust_forwarded_for: true\n  trusted_proxies: \"10.1.1.1, 10.1.1.2\"\n"));
  auto m = register_member("Hana");
  for (int i = 0; i < 3; ++i) {
    auto r = login(unique("spray") + "@example.com", "guess", "10.9.8." + std::to_string(i));
    EXPECT_EQ(r.status, 401) << r.body;
  }
  // Three addresses claimed, one counted (the test's own, 127.0.0.1): the
  // registration and three logins are its four attempts.
  EXPECT_EQ(login(m.email, m.password, "10.9.8.99").status, 429);
}

// A phone or email change answers 409 when it is taken, which tells that
// an account exists: each try counts against the per-address limit, so a
// scan of phone numbers through it stops at that limit.
TEST_F(RestAuth, PhoneAndEmailChangesCountAgainstTheAddressLimit) {
  start(rest_yaml("  login_max_attempts_per_address: 4\n  login_address_window_s: 60\n"));
  auto m = register_member("Sari");  // attempt 1
  for (int i = 0; i < 3; ++i) {      // attempts 2-4
    auto r = http().patch("/v1/me", {{"phone", "0813000000" + std::to_string(10 + i)}}, m.token);
    EXPECT_EQ(r.status, 200) << r.body;
  }
  auto limited = http().patch("/v1/me", {{"email", unique("scan") + "@example.com"}}, m.token);
  EXPECT_EQ(limited.status, 429) << limited.body;
  EXPECT_FALSE(limited.header("retry-after").empty());
  EXPECT_EQ(http().patch("/v1/me", {{"name", "Sari Dewi"}}, m.token).status, 200) << "a name change counts nothing";
}

TEST_F(RestAuth, LogoutEndsTheTokenOnly) {
  auto m = register_member("Gita");
  auto second = login(m.email, m.password).json()["token"].get<std::string>();
  auto r = http().del("/v1/auth/token", m.token);
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(http().get("/v1/me", m.token).status, 401);
  EXPECT_EQ(http().get("/v1/me", second).status, 200);
  EXPECT_EQ(http().post("/v1/auth/logout", json::object(), second).status, 204);
  EXPECT_EQ(http().get("/v1/me", second).status, 401);
  EXPECT_EQ(http().del("/v1/auth/token").status, 401);
}

TEST_F(RestAuth, ExpiredTokenIs401) {
  auto m = register_member("Hadi");
  auto sql = db();
  std::string digest = sha256_hex(m.token);
  *sql << "UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE digest = :d", soci::use(digest);
  auto r = http().get("/v1/me", m.token);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.json()["error"]["code"], "unauthenticated");
}

TEST_F(RestAuth, PasswordChangeNeedsTheCurrentOneAndEndsOtherTokens) {
  auto m = register_member("Indah");
  auto other = login(m.email, m.password).json()["token"].get<std::string>();
  auto wrong = http().patch("/v1/me", {{"password", "baru-sekali-123"}, {"current_password", "salah"}}, m.token);
  EXPECT_EQ(wrong.status, 403);
  EXPECT_EQ(wrong.json()["error"]["code"], "forbidden");
  EXPECT_EQ(http().patch("/v1/me", {{"password", "baru-sekali-123"}}, m.token).status, 400);
  EXPECT_EQ(http().patch("/v1/me", {{"password", "pendek"}, {"current_password", m.password}}, m.token).status, 400);
  auto ok = http().patch("/v1/me", {{"password", "baru-sekali-123"}, {"current_password", m.password}}, m.token);
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(http().get("/v1/me", m.token).status, 200);  // the token that changed it stays
  EXPECT_EQ(http().get("/v1/me", other).status, 401);    // every other one ends
  EXPECT_EQ(login(m.email, m.password).status, 401);
  EXPECT_EQ(login(m.email, "baru-sekali-123").status, 200);
}

// Guessing the current password through PATCH /v1/me counts like failed
// logins: after rest.login_max_failures (5) wrong ones, 429 with
// Retry-After, for the right one too, and nothing changes.
TEST_F(RestAuth, WrongCurrentPasswordsAreThrottledLikeLogins) {
  auto m = register_member("Rina");
  for (int i = 0; i < 5; ++i) {
    auto wrong = http().patch(
        "/v1/me", {{"password", "baru-sekali-123"}, {"current_password", "tebak-" + std::to_string(i)}}, m.token);
    ASSERT_EQ(wrong.status, 403) << wrong.body;
  }
  auto limited = http().patch("/v1/me", {{"password", "baru-sekali-123"}, {"current_password", m.password}}, m.token);
  EXPECT_EQ(limited.status, 429) << limited.body;
  EXPECT_EQ(limited.json()["error"]["code"], "rate_limited");
  EXPECT_FALSE(limited.header("retry-after").empty());
  EXPECT_EQ(login(m.email, m.password).status, 200);  // the password did not change
  EXPECT_EQ(login(m.email, "baru-sekali-123").status, 401);
}

TEST_F(RestAuth, StrongerSettingsRehashThePasswordAtTheNextLogin) {
  auto m = register_member("Joko");
  auto sql = db();
  auto hash = [&] {
    std::string h;
    *sql << "SELECT password_hash FROM member_credentials WHERE member_id = :m", soci::use(m.id), soci::into(h);
    return h;
  };
  ASSERT_TRUE(hash().starts_with("$argon2id$v=19$m=8192,t=1,p=1$")) << hash();
  start(rest_yaml("  argon2_opslimit: 2\n  argon2_memlimit_kib: 16384\n"));
  ASSERT_EQ(login(m.email, m.password).status, 200);
  EXPECT_TRUE(hash().starts_with("$argon2id$v=19$m=16384,t=2,p=1$")) << hash();
  // And the new hash still checks the same password.
  EXPECT_EQ(login(m.email, m.password).status, 200);
}

TEST_F(RestAuth, AdminTokensComeFromSetiactlOnly) {
  auto token = admin_token(*daemon_, store_);
  EXPECT_EQ(token.size(), 43u);
  EXPECT_EQ(http().get("/v1/admin/members", token).status, 200);
  auto all = admin_token(*daemon_, "");
  EXPECT_EQ(http().get("/v1/admin/members?store=" + store_, all).status, 200);
  // The CLI refuses a request that names neither or both.
  auto neither = run({SETIACTL_PATH, "--config", daemon_->config_path(), "admin", "token", "create"});
  EXPECT_EQ(neither.exit_code, 2);
  auto both =
      run({SETIACTL_PATH, "--config", daemon_->config_path(), "admin", "token", "create", "--all", "--store", "x"});
  EXPECT_EQ(both.exit_code, 2);
  // No API path makes one.
  EXPECT_EQ(http().post("/v1/admin/tokens", json::object(), token).status, 404);
}

}  // namespace
}  // namespace setia::it
