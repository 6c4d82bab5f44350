// The member's data rights over fakes (tests/fakes/fake_privacy_stores.h):
// consent is opt-in and every change is recorded with where it came from,
// an admin records withdrawals only; the export's document (shapes, the
// store's clock, shortened device tokens); erasure asked by the member
// (their password, throttled like a password change; lapsing points said
// yes to) or by an owner (a reason; a second request answers the first).
#include <gtest/gtest.h>

#include <map>

#include "core/services/auth.h"
#include "core/services/consents.h"
#include "core/services/data_rights.h"
#include "core/services/login_throttle.h"
#include "core/services/members.h"
#include "tests/fakes/fake_account_stores.h"
#include "tests/fakes/fake_privacy_stores.h"
#include "tests/fakes/manual_clock.h"
#include "tests/support/rule_books.h"

namespace setia::core {
namespace {

using Kind = ServiceError::Kind;
using namespace std::chrono_literals;

constexpr std::int64_t kNow = 1'800'000'000;  // 2027-01-15 08:00 UTC, 15:00 in Jakarta

struct Rig {
  fakes::FakeMemberTable members;
  fakes::FakeConsents consent_store{members};
  fakes::FakeMemberData data{members, consent_store};
  fakes::FakeCredentials credentials;
  fakes::FakeLoginFailures login_failures;
  fakes::CountingHasher hasher;
  fakes::SeqTokens tokens;
  test::ManualClock clock{kNow};
  LoginThrottle throttle{{}, clock};
  Members member_service{members, [] { return std::uint64_t{7}; }};
  std::shared_ptr<const rules::RuleBook> book =
      test::book_of({"version: 1\nstore: toko\ntimezone: Asia/Jakarta\npoints:\n  earn: [{name: base, per_amount: "
                     "1000, points: 1}]\n"});
  Auth auth{credentials,      login_failures, members, member_service, hasher, tokens, throttle,
            rules_from(book), clock,          {},      "$v1$dummy"};
  Consents consents{consent_store};
  DataRights rights{data, members, rules_from(book), clock, auth, credentials, hasher};

  Rig() {
    members.add("toko", "TOK-AAAA2222", "Ocha", "081200000001", "ocha@example.com");  // id 1
    members.add("toko", "TOK-BBBB3333", "Budi", "081200000002");                      // id 2
    credentials.passwords[1] = "$v1$rahasia123";
  }
  Principal ocha() const {
    Principal p;
    p.role = Role::member;
    p.member_id = 1;
    p.member_code = "TOK-AAAA2222";
    p.store_id = "toko";
    return p;
  }
};

ConsentContext from_app(std::optional<std::string> notice = std::nullopt) {
  return {.source = "app", .address = "203.0.113.9", .actor = std::nullopt, .notice = std::move(notice), .note = {}};
}

TEST(Consents, NeverAskedIsNoAndAnOptInIsRecordedWithWhatWhenAndWhere) {
  Rig rig;
  auto v = rig.consents.view("toko", 1);
  ASSERT_TRUE(v) << v.error().message;
  ASSERT_EQ(v->channels.size(), 1u);
  EXPECT_EQ(v->channels[0].channel, "push_promo");
  EXPECT_FALSE(v->channels[0].granted);
  EXPECT_FALSE(v->channels[0].since) << "never asked";

  v = rig.consents.record("toko", 1, {{"push_promo", true}}, from_app("promo-v1"));
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_TRUE(v->channels[0].granted);
  ASSERT_TRUE(v->channels[0].since);
  EXPECT_EQ(v->channels[0].since->source, "app");
  EXPECT_EQ(v->channels[0].since->address, "203.0.113.9");
  EXPECT_EQ(v->channels[0].since->notice, "promo-v1");
  EXPECT_TRUE(rig.members.rows[1].promo_pushes);

  // The same answer again records nothing; a new wording agreed to does.
  ASSERT_TRUE(rig.consents.record("toko", 1, {{"push_promo", true}}, from_app()));
  EXPECT_EQ(rig.consent_store.by_member[1].size(), 1u);
  ASSERT_TRUE(rig.consents.record("toko", 1, {{"push_promo", true}}, from_app("promo-v2")));
  EXPECT_EQ(rig.consent_store.by_member[1].size(), 2u);
  v = rig.consents.record("toko", 1, {{"push_promo", false}}, from_app());
  ASSERT_TRUE(v);
  EXPECT_FALSE(v->channels[0].granted);
  ASSERT_EQ(v->history.size(), 3u);
  EXPECT_FALSE(v->history[0].granted) << "newest first";
  EXPECT_EQ(v->history[2].notice, "promo-v1");
}

TEST(Consents, AnAdminRecordsAWithdrawalButNeverAnOptIn) {
  Rig rig;
  ConsentContext admin{.source = "admin",
                       .address = {},
                       .actor = "admin:7 rina@example.com (toko)",
                       .notice = {},
                       .note = "asked by phone"};
  auto opt_in = rig.consents.record("toko", 1, {{"push_promo", true}}, admin);
  ASSERT_FALSE(opt_in);
  EXPECT_EQ(opt_in.error().kind, Kind::forbidden);
  EXPECT_EQ(opt_in.error().reason, "opt_in_is_the_members");
  EXPECT_TRUE(rig.consent_store.by_member[1].empty()) << "nothing recorded";

  ASSERT_TRUE(rig.consents.record("toko", 1, {{"push_promo", true}}, from_app()));
  auto v = rig.consents.record("toko", 1, {{"push_promo", false}}, admin);
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_FALSE(v->channels[0].granted);
  EXPECT_EQ(v->channels[0].since->actor, "admin:7 rina@example.com (toko)");
  EXPECT_EQ(v->channels[0].since->note, "asked by phone");

  auto setiactl =
      rig.consents.record("toko", 1, {{"push_promo", true}},
                          {.source = "setiactl", .address = {}, .actor = "cli:root", .notice = {}, .note = {}});
  EXPECT_FALSE(setiactl);
}

TEST(Consents, OnlyTheChannelsSetiaSendsOnAndOnlyItsOwnMembers) {
  Rig rig;
  for (const char* channel : {"email_promo", "whatsapp_promo", "sms"}) {
    auto r = rig.consents.record("toko", 1, {{channel, true}}, from_app());
    ASSERT_FALSE(r) << channel;
    EXPECT_EQ(r.error().kind, Kind::invalid);
    EXPECT_NE(r.error().message.find("push_promo"), std::string::npos) << "says which channels there are";
  }
  EXPECT_EQ(rig.consents.record("toko", 1, {}, from_app()).error().kind, Kind::invalid);
  EXPECT_EQ(rig.consents.record("toko", 1, {{"push_promo", true}}, from_app(std::string(101, 'v'))).error().kind,
            Kind::invalid);
  EXPECT_EQ(rig.consents.record("lain", 1, {{"push_promo", true}}, from_app()).error().kind, Kind::not_found)
      << "another store's member";
  EXPECT_EQ(rig.consents.record("toko", 9, {{"push_promo", true}}, from_app()).error().kind, Kind::not_found);
}

TEST(DataRights, TheExportIsOneDocumentInTheStoresTime) {
  Rig rig;
  rig.data.devices[1] = {{.token = "fcm-dGhpc2lzYXZlcnlsb25ndG9rZW4wNTE", .platform = "android", .created_at = kNow}};
  Transaction t;
  t.summary = {
      .id = 42, .store_id = "toko", .receipt_no = "R-1", .at = kNow, .total = 52000, .points_earned = 52, .items = 4};
  t.member_code = "TOK-AAAA2222";
  t.lines = {
      {.sku = "NC-01", .name = "Nasi Cakalang", .category = "food", .qty = 4, .unit_price = 13000, .amount = 52000}};
  rig.data.sales[1] = {t};
  ASSERT_TRUE(rig.consents.record("toko", 1, {{"push_promo", true}}, from_app("promo-v1")));
  auto doc = rig.rights.export_member("toko", 1, "https://crm.example");
  ASSERT_TRUE(doc) << doc.error().message;
  const auto& j = *doc;
  EXPECT_EQ(j["schema"], "setia.member.export/1");
  EXPECT_EQ(j["exported_at"], "2027-01-15T15:00:00+07:00");
  EXPECT_EQ(j["member"]["name"], "Ocha");
  EXPECT_EQ(j["member"]["email"], "ocha@example.com");
  EXPECT_EQ(j["member"]["promo_pushes"], true);
  ASSERT_EQ(j["transactions"].size(), 1u);
  EXPECT_EQ(j["transactions"][0]["items"][0]["name"], "Nasi Cakalang");
  EXPECT_EQ(j["transactions"][0]["links"]["html"], "https://crm.example/v1/me/transactions/42/enota.html");
  EXPECT_EQ(j["transactions"][0]["time"], "2027-01-15T15:00:00+07:00");
  ASSERT_EQ(j["devices"].size(), 1u);
  EXPECT_EQ(j["devices"][0]["token"], "fcm-dGhp…wNTE") << "recognisable, not usable";
  EXPECT_EQ(j["consents"]["channels"]["push_promo"]["granted"], true);
  EXPECT_EQ(j["consents"]["history"][0]["address"], "203.0.113.9");
  EXPECT_EQ(j["consents"]["history"][0]["notice"], "promo-v1");
  for (const char* part : {"points", "vouchers", "reservations", "notifications", "account"}) {
    EXPECT_TRUE(j.contains(part)) << part;
  }
  EXPECT_EQ(rig.rights.export_member("lain", 1, "").error().kind, Kind::not_found) << "another store's member";
}

TEST(DataRights, AMemberErasesThemselfWithTheirPasswordThrottledAsAPasswordChange) {
  Rig rig;
  rig.members.rows[1].member.points = 120;
  auto wrong =
      rig.rights.erase_own(rig.ocha(), {.current_password = "salah", .forfeit_points = true, .address = "203.0.113.9"});
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().kind, Kind::forbidden);
  EXPECT_EQ(wrong.error().reason, "wrong_current_password");
  EXPECT_EQ(rig.login_failures.failures["password-change|member:1"].size(), 1u)
      << "counted with the password change's wrong guesses";
  EXPECT_TRUE(rig.data.requests.empty());

  auto lapse = rig.rights.erase_own(
      rig.ocha(), {.current_password = "rahasia123", .forfeit_points = false, .address = "203.0.113.9"});
  ASSERT_FALSE(lapse);
  EXPECT_EQ(lapse.error().kind, Kind::conflict);
  EXPECT_EQ(lapse.error().reason, "points_would_lapse");
  EXPECT_NE(lapse.error().message.find("120 points"), std::string::npos) << lapse.error().message;
  EXPECT_TRUE(rig.data.requests.empty());

  auto done = rig.rights.erase_own(
      rig.ocha(), {.current_password = "rahasia123", .forfeit_points = true, .address = "203.0.113.9"});
  ASSERT_TRUE(done) << done.error().message;
  EXPECT_FALSE(done->already);
  EXPECT_EQ(done->points_forfeited, 120);
  ASSERT_EQ(rig.data.requests.size(), 1u);
  EXPECT_EQ(rig.data.requests[0].member, "1");
  EXPECT_EQ(rig.data.requests[0].store_id, "toko");
  EXPECT_EQ(rig.data.requests[0].requested_by, "member");
  EXPECT_FALSE(rig.members.rows.contains(1));
}

TEST(DataRights, WrongPasswordsPastTheLimitWaitLikeAnyLogin) {
  Rig rig;
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(rig.rights.erase_own(rig.ocha(), {.current_password = "x", .forfeit_points = true, .address = "a"})
                  .error()
                  .reason,
              "wrong_current_password");
  }
  auto limited =
      rig.rights.erase_own(rig.ocha(), {.current_password = "rahasia123", .forfeit_points = true, .address = "a"});
  ASSERT_FALSE(limited);
  EXPECT_EQ(limited.error().kind, Kind::rate_limited);
  EXPECT_GT(limited.error().retry_after_s, 0);
  EXPECT_TRUE(rig.data.requests.empty()) << "the right password too waits";
}

TEST(DataRights, AnOwnersErasureNeedsAReasonAndASecondOneAnswersTheFirst) {
  Rig rig;
  EXPECT_EQ(rig.rights.erase("toko", "2", "admin:7 rina (toko)", "  ").error().kind, Kind::invalid);
  EXPECT_EQ(rig.rights.erase("toko", "2", "admin:7 rina (toko)", "line\nbreak").error().kind, Kind::invalid);
  EXPECT_TRUE(rig.data.requests.empty());
  auto first = rig.rights.erase("toko", "TOK-BBBB3333", "admin:7 rina (toko)", " ticket 7 ");
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_FALSE(first->already);
  EXPECT_EQ(first->reason, "ticket 7");
  auto again = rig.rights.erase("toko", "TOK-BBBB3333", "admin:7 rina (toko)", "ticket 7");
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_TRUE(again->already);
  EXPECT_EQ(again->id, first->id);
  EXPECT_EQ(rig.rights.erase("toko", "TOK-ZZZZ9999", "admin:7", "ticket 8").error().kind, Kind::not_found);
  EXPECT_EQ(rig.rights.erase("lain", "1", "admin:8", "ticket 9").error().kind, Kind::not_found)
      << "another store's member";
}

TEST(DataRights, ShortenedTokensShowTheirEndsOnly) {
  EXPECT_EQ(shortened_token("abcdefghijklmnopqrstuvwxyz"), "abcdefgh…wxyz");
  EXPECT_EQ(shortened_token("short-token"), "shor…");
  EXPECT_EQ(shortened_token(""), "…");
}

}  // namespace
}  // namespace setia::core
