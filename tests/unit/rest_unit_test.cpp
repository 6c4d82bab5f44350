// The REST adapter's pure parts and the core it stands on, without I/O:
// routing and query parsing, cursors, the error mapping, the metrics text,
// the login throttle on a manual clock, and Auth over fakes (an unknown
// login verifies a dummy hash, so that it costs what a wrong password does).
#include <gtest/gtest.h>

#include <map>

#include "adapters/rest/http_errors.h"
#include "adapters/rest/pagination.h"
#include "adapters/rest/router.h"
#include "core/services/auth.h"
#include "core/services/login_throttle.h"
#include "core/support/metrics.h"
#include "tests/fakes/fake_account_stores.h"
#include "tests/fakes/manual_clock.h"

namespace setia {
namespace {

using core::fakes::CountingHasher;
using core::fakes::FakeCredentials;
using core::fakes::FakeLoginFailures;
using core::fakes::FakeProfiles;
using core::fakes::NoMembers;
using core::fakes::SeqTokens;

using namespace std::chrono_literals;

using ::setia::test::ManualClock;
constexpr std::int64_t kNow = 1'800'000'000;

TEST(RestRouter, MatchesTemplatesAndDecodesSegments) {
  adapters::rest::Router r;
  auto h = [](adapters::rest::Call&) { return adapters::rest::Response{}; };
  r.add("GET", "/v1/me", adapters::rest::Access::member, h);
  r.add("PATCH", "/v1/me", adapters::rest::Access::member, h);
  r.add("GET", "/v1/me/vouchers/{code}/qr.svg", adapters::rest::Access::member, h);
  r.add("GET", "/v1/me/{thing}", adapters::rest::Access::member, h);
  r.add("GET", "/v1/me/qr.svg", adapters::rest::Access::member, h);

  auto m = r.match("GET", "/v1/me/vouchers/V-AB%2012/qr.svg");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.params.at("code"), "V-AB 12");
  // A literal segment beats a parameter.
  m = r.match("GET", "/v1/me/qr.svg");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->pattern, "/v1/me/qr.svg");
  // Wrong method: no route, and Allow lists the right ones.
  m = r.match("DELETE", "/v1/me");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_EQ(m.allow, "GET, PATCH");
  EXPECT_EQ(r.match("GET", "/v1/nope").allow, "");
  EXPECT_EQ(r.match("GET", "/v1/me/vouchers//qr.svg").route, nullptr);  // empty parameter
  EXPECT_EQ(r.match("GET", "/v1/me/vouchers/%zz/qr.svg").route, nullptr);
  EXPECT_EQ(r.match("GET", "v1/me").route, nullptr);
}

TEST(RestRouter, QueryStrings) {
  auto q = adapters::rest::parse_query("a=1&b=x%20y+z&c&&d=");
  EXPECT_EQ(q.at("a"), "1");
  EXPECT_EQ(q.at("b"), "x y z");
  EXPECT_EQ(q.at("c"), "");
  EXPECT_EQ(q.at("d"), "");
  EXPECT_THROW(adapters::rest::parse_query("a=1&a=2"), adapters::rest::ApiError);
  EXPECT_THROW(adapters::rest::parse_query("a=%4"), adapters::rest::ApiError);
}

TEST(RestPagination, CursorsRoundTripAndJunkIsRefused) {
  for (auto c : {core::Cursor{0, 0}, core::Cursor{1'800'000'000, 42}, core::Cursor{-5, INT64_MAX}}) {
    auto text = adapters::rest::encode_cursor(c);
    EXPECT_EQ(text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
              std::string::npos);
    auto back = adapters::rest::decode_cursor(text);
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, c);
  }
  // std::string, not const char*: a c_str() of a temporary in this list
  // dangled by the time the loop read it (ASan, heap-use-after-free).
  for (const std::string& junk :
       {std::string(), std::string("!!"), std::string("bm9wZQ"), std::string("MS4yLjM"), std::string(100, 'A')}) {
    EXPECT_FALSE(adapters::rest::decode_cursor(junk)) << junk;
  }
}

TEST(RestErrors, EveryServiceErrorHasItsStatus) {
  using K = core::ServiceError::Kind;
  std::map<K, unsigned> want{{K::invalid, 400},      {K::unauthenticated, 401}, {K::forbidden, 403},
                             {K::not_found, 404},    {K::conflict, 409},        {K::rule_says_no, 422},
                             {K::rate_limited, 429}, {K::unavailable, 503}};
  for (auto [kind, status] : want) {
    auto e = adapters::rest::to_api_error({kind, "m", "r"});
    EXPECT_EQ(e.status, status);
    auto res = adapters::rest::error_response(e);
    EXPECT_EQ(res.status, status);
    EXPECT_NE(res.body.find("\"reason\":\"r\""), std::string::npos);
  }
  core::ServiceError limited{K::rate_limited, "slow down"};
  limited.retry_after_s = 42;
  auto res = adapters::rest::error_response(adapters::rest::to_api_error(limited));
  ASSERT_FALSE(res.headers.empty());
  EXPECT_EQ(res.headers[0], (std::pair<std::string, std::string>{"Retry-After", "42"}));
}

TEST(Metrics, RendersPrometheusText) {
  metrics::Registry r;
  r.counter("setia_events_total", "events", {{"status", "applied"}}).inc(3);
  r.counter("setia_events_total", "events", {{"status", "rejected"}}).inc();
  // Labels in another order name the same series.
  r.counter("x_total", "x", {{"b", "2"}, {"a", "1"}}).inc();
  r.counter("x_total", "x", {{"a", "1"}, {"b", "2"}}).inc();
  auto& h = r.histogram("lat_seconds", "latency", {}, {0.01, 0.1});
  h.observe(0.005);
  h.observe(0.05);
  h.observe(5);
  r.gauge("g", "a gauge", [] { return std::vector<std::pair<metrics::Labels, double>>{{{{"k", "v\"q"}}, 2.5}}; });
  r.gauge("broken", "fails",
          []() -> std::vector<std::pair<metrics::Labels, double>> { throw std::runtime_error("db down"); });
  auto t = r.render();
  EXPECT_NE(t.find("# TYPE setia_events_total counter\n"), std::string::npos);
  EXPECT_NE(t.find("setia_events_total{status=\"applied\"} 3\n"), std::string::npos);
  EXPECT_NE(t.find("x_total{a=\"1\",b=\"2\"} 2\n"), std::string::npos) << t;
  EXPECT_NE(t.find("lat_seconds_bucket{le=\"0.01\"} 1\n"), std::string::npos) << t;
  EXPECT_NE(t.find("lat_seconds_bucket{le=\"0.1\"} 2\n"), std::string::npos) << t;
  EXPECT_NE(t.find("lat_seconds_bucket{le=\"+Inf\"} 3\n"), std::string::npos) << t;
  EXPECT_NE(t.find("lat_seconds_count 3\n"), std::string::npos) << t;
  EXPECT_NE(t.find("g{k=\"v\\\"q\"} 2.5\n"), std::string::npos) << t;
  EXPECT_NE(t.find("# broken unavailable: db down"), std::string::npos) << t;
}

TEST(LoginThrottle, AddressAttemptsWithinTheirWindow) {
  ManualClock clock{kNow};
  core::LoginThrottle t({.max_attempts_per_address = 5, .address_window = 10s}, clock);
  // Five attempts in ten seconds, whatever the accounts.
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(t.admit("3.3.3.3"), 0);
    clock.advance(1s);
  }
  EXPECT_EQ(t.admit("3.3.3.3"), 5) << "the first attempt (5 s ago) leaves the window 10 s after it";
  EXPECT_EQ(t.admit("4.4.4.4"), 0) << "another address";
  clock.advance(5s);
  EXPECT_EQ(t.admit("3.3.3.3"), 0);
  EXPECT_GT(t.admit("3.3.3.3"), 0) << "the refused attempt was not counted, this one was";
}

struct AuthRig {
  FakeCredentials credentials;
  FakeLoginFailures login_failures;
  FakeProfiles profiles;
  NoMembers member_store;
  core::Members members{member_store, [] { return std::uint64_t{7}; }};
  CountingHasher hasher;
  SeqTokens tokens;
  ManualClock clock{kNow};
  core::LoginThrottle throttle{{}, clock};
  std::shared_ptr<const rules::RuleBook> book = [] {
    auto b = std::make_shared<rules::RuleBook>();
    b->fallback = std::make_shared<rules::RuleSet>();  // every store has rules
    return b;
  }();
  core::Auth auth{credentials, login_failures,         profiles, members, hasher,     tokens,
                  throttle,    core::rules_from(book), clock,    {},      "$v1$dummy"};
};

TEST(Auth, UnknownLoginVerifiesOneHashLikeAWrongPassword) {
  AuthRig rig;
  auto unknown = rig.auth.login("ghost@example.com", "guess", std::nullopt, "1.1.1.1");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(rig.hasher.verifies, 1);  // the dummy hash
  rig.credentials.candidates = {{1, "TOK-1", "toko", "$v1$secret-password"}};
  auto wrong = rig.auth.login("ocha@example.com", "guess", std::nullopt, "1.1.1.1");
  ASSERT_FALSE(wrong);
  EXPECT_EQ(rig.hasher.verifies, 2);
  EXPECT_EQ(unknown.error().kind, core::ServiceError::Kind::unauthenticated);
  EXPECT_EQ(unknown.error().message, wrong.error().message);
  EXPECT_EQ(unknown.error().reason, wrong.error().reason);
}

// setiad makes its dummy hash at start with the hasher in force: one hash,
// of today's parameters, so verifying it costs what verifying a member's
// current hash does (what an unknown login is compared with; timing it in
// a test would only measure the machine's noise).
TEST(Auth, TheDummyHashIsMadeWithTodaysParameters) {
  CountingHasher hasher;
  SeqTokens tokens;
  auto dummy = core::make_dummy_hash(hasher, tokens);
  EXPECT_EQ(hasher.hashes, 1);
  EXPECT_FALSE(dummy.empty());
  EXPECT_FALSE(hasher.needs_rehash(dummy));
}

// Wrong passwords count through the LoginFailureStore (the database in
// setiad, so every daemon shares them), per login and address: five from
// one address, and that address waits 30 s after its last failure, the
// right password too, doubling with each failure past the limit; the
// owner at another address logs in meanwhile. The lock an attacker could
// turn against the owner is gone (docs/rest-api-auth.md#wrong-passwords).
TEST(Auth, WrongPasswordsSlowTheirAddressDownAndNotTheOwner) {
  AuthRig rig;
  rig.credentials.candidates = {{1, "TOK-1", "toko", "$v1$secret-password"}};
  for (int i = 0; i < 5; ++i) {
    auto r = rig.auth.login("Ocha@Example.com", "guess", std::nullopt, "1.1.1.1");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().reason, "bad_login");
    rig.clock.advance(10s);
  }
  EXPECT_EQ(rig.login_failures.failures["ocha@example.com|*"].size(), 5u) << "one key whatever the case of the email";
  EXPECT_EQ(rig.login_failures.stores["ocha@example.com|*"], "*") << "a login naming no store counts under '*'";
  auto limited = rig.auth.login("ocha@example.com", "secret-password", std::nullopt, "1.1.1.1");
  ASSERT_FALSE(limited);
  EXPECT_EQ(limited.error().reason, "rate_limited");
  EXPECT_EQ(limited.error().retry_after_s, 20) << "30 s after the last failure (10 s ago)";
  EXPECT_EQ(rig.hasher.verifies, 5) << "a limited attempt checks no password";
  auto owner = rig.auth.login("ocha@example.com", "secret-password", std::nullopt, "2.2.2.2");
  EXPECT_TRUE(owner) << "the owner at another address is not locked out";
  // The guesser's next failure doubles its wait.
  rig.clock.advance(20s);
  EXPECT_EQ(rig.auth.login("ocha@example.com", "guess", std::nullopt, "1.1.1.1").error().reason, "bad_login");
  auto longer = rig.auth.login("ocha@example.com", "guess", std::nullopt, "1.1.1.1");
  ASSERT_FALSE(longer);
  EXPECT_EQ(longer.error().retry_after_s, 60);
  // A good password from the guessing address clears that address only.
  rig.clock.advance(60s);
  auto ok = rig.auth.login("ocha@example.com", "secret-password", std::nullopt, "1.1.1.1");
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_FALSE(rig.login_failures.failures.contains("ocha@example.com|*")) << "a good password clears its address";
}

// Guesses spread over many addresses: past ten times the limit from every
// address together, every address waits, the owner too, but only a delay
// that wears off.
TEST(Auth, GuessesFromManyAddressesDelayEveryoneButLockNoOne) {
  AuthRig rig;
  rig.credentials.candidates = {{1, "TOK-1", "toko", "$v1$secret-password"}};
  for (int i = 0; i < 50; ++i) {
    auto r = rig.auth.login("ocha@example.com", "guess", std::nullopt,
                            "10.0." + std::to_string(i / 4) + "." + std::to_string(i % 4));
    ASSERT_FALSE(r);
    ASSERT_EQ(r.error().reason, "bad_login") << i;
  }
  auto delayed = rig.auth.login("ocha@example.com", "secret-password", std::nullopt, "2.2.2.2");
  ASSERT_FALSE(delayed);
  EXPECT_EQ(delayed.error().reason, "rate_limited");
  EXPECT_EQ(delayed.error().retry_after_s, 30);
  rig.clock.advance(30s);
  EXPECT_TRUE(rig.auth.login("ocha@example.com", "secret-password", std::nullopt, "2.2.2.2"))
      << "the delay wore off: no lock";
}

TEST(Auth, LoginRehashesOldParametersAndIssuesADigestedToken) {
  AuthRig rig;
  rig.credentials.candidates = {{1, "TOK-1", "toko", "$v0$secret-password"}};
  rig.hasher.params = "v2";
  auto s = rig.auth.login("ocha@example.com", "secret-password", std::nullopt, "1.1.1.1");
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(rig.credentials.passwords[1], "$v2$secret-password");
  ASSERT_EQ(rig.credentials.tokens.size(), 1u);
  EXPECT_EQ(rig.credentials.tokens[0].digest, "d:" + s->token);  // only the digest is stored
  EXPECT_TRUE(rig.auth.authenticate(s->token));
  EXPECT_FALSE(rig.auth.authenticate("short"));
  rig.clock.advance(std::chrono::hours(24 * 31));  // past the member token's 30 days
  EXPECT_FALSE(rig.auth.authenticate(s->token));
}

TEST(Auth, PasswordsShorterThanEightAreRefusedBeforeAnyMemberIsMade) {
  AuthRig rig;
  auto r = rig.auth.register_member({.store_id = "toko", .name = "Ocha", .phone = "081234567", .password = "1234567"},
                                    "1.1.1.1");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, core::ServiceError::Kind::invalid);
  EXPECT_EQ(r.error().reason, "password_too_short");
  EXPECT_EQ(rig.hasher.hashes, 0);
  auto ok = rig.auth.register_member({.store_id = "toko", .name = "Ocha", .phone = "081234567", .password = "12345678"},
                                     "1.1.1.1");
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(rig.member_store.password_hashes, std::vector<std::string>{"$v1$12345678"})
      << "stored with the member, in its transaction";
  EXPECT_TRUE(rig.credentials.passwords.empty());
}

}  // namespace
}  // namespace setia
