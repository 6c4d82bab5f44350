// The scheduled pushes' pure parts (core/scheduler/push_jobs.h): when a
// store's expiry reminders are due and which window they cover, which
// promos are announced when, in each store's own time zone; the rule keys
// that drive them; and the texts the pushes carry.
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/outbox/notification_texts.h"
#include "core/scheduler/push_jobs.h"
#include "rules/loader.h"
#include "tests/fakes/recording_push_store.h"
#include "tests/support/rule_books.h"

namespace setia::core {
namespace {

using fakes::RecordingPushStore;
using test::at;
using test::book_of;
using test::unix_at;

std::string expiring(const std::string& store, const std::string& tz, const std::string& extra = "") {
  return "version: 1\nstore: \"" + store + "\"\ntimezone: " + tz +
         "\npoints:\n  earn: [{name: base, per_amount: 1000, points: 1}]\n  expiry: {after_days: 365" + extra + "}\n";
}

// The first error of a rule file named test.yaml, as the loader prints it.
std::string first_error(const std::string& yaml) {
  auto rs = rules::load_rule_text(yaml, "test.yaml");
  return rs ? std::string("loaded") : rs.error()[0].to_string();
}

std::string promo(const std::string& store, const std::string& tz, const std::string& fields) {
  return "version: 1\nstore: \"" + store + "\"\ntimezone: " + tz +
         "\npromos:\n  - {id: cakalang-10, title: \"Diskon 10% Nasi Cakalang\", from: 2026-12-01, until: 2026-12-31, "
         "voucher: {percent_off: 10, valid_days: 7}" +
         fields + "}\n";
}

TEST(ExpiryReminders, DueAtRemindAtInEachStoresZoneForTheNextSevenDays) {
  auto book = book_of({expiring("jkt", "Asia/Jakarta"), expiring("jap", "Asia/Jayapura")});
  // 08:59 WIB is 10:59 WIT: only Jayapura has passed 09:00.
  auto due = expiry_reminders_due(*book, at(2026, 11, 23, 8, 59, 7));
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].store, "jap");
  EXPECT_EQ(due[0].zone, "Asia/Jayapura");
  // The window ends at local midnight after the 7th day ahead: lots valid
  // until 30 November (WIT) are reminded on the 23rd.
  EXPECT_EQ(due[0].until_unix, unix_at(2026, 12, 1, 0, 0, 9));
  EXPECT_EQ(due[0].day, (domain::LocalDate{2026, 11, 23}));

  due = expiry_reminders_due(*book, at(2026, 11, 23, 9, 0, 7));
  ASSERT_EQ(due.size(), 2u);
  EXPECT_EQ(due[1].store, "jkt");
  EXPECT_EQ(due[1].until_unix, unix_at(2026, 12, 1, 0, 0, 7));
  // 23:59 WIB: still the 23rd in Jakarta; 01:59 on the 24th in Jayapura,
  // whose next reminders wait for 09:00 WIT and reach one day further.
  due = expiry_reminders_due(*book, at(2026, 11, 23, 23, 59, 7));
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].store, "jkt");
  EXPECT_EQ(due[0].until_unix, unix_at(2026, 12, 1, 0, 0, 7));
  due = expiry_reminders_due(*book, at(2026, 11, 24, 9, 0, 9));  // 07:00 WIB: Jakarta waits
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].store, "jap");
  EXPECT_EQ(due[0].day, (domain::LocalDate{2026, 11, 24}));
  EXPECT_EQ(due[0].until_unix, unix_at(2026, 12, 2, 0, 0, 9));
}

TEST(ExpiryReminders, RemindDaysAndRemindAtFromTheFileAndZeroTurnsThemOff) {
  auto book = book_of({expiring("early", "Asia/Jakarta", ", remind_days: 3, remind_at: \"06:30\""),
                       expiring("off", "Asia/Jakarta", ", remind_days: 0"),
                       "version: 1\nstore: never\ntimezone: Asia/Jakarta\n"});
  auto due = expiry_reminders_due(*book, at(2026, 11, 23, 6, 29, 7));
  EXPECT_TRUE(due.empty());
  due = expiry_reminders_due(*book, at(2026, 11, 23, 6, 30, 7));
  ASSERT_EQ(due.size(), 1u) << "remind_days 0 and a file whose points never expire remind nobody";
  EXPECT_EQ(due[0].store, "early");
  EXPECT_EQ(due[0].until_unix, unix_at(2026, 11, 27, 0, 0, 7));
}

TEST(ExpiryReminders, TheDefaultFileCoversStoresWithoutTheirOwn) {
  auto book = book_of({expiring("*", "Asia/Jakarta"), expiring("jap", "Asia/Jayapura")});
  auto due = expiry_reminders_due(*book, at(2026, 11, 23, 10, 0, 7), {"jap", "kopi-a", "kopi-a", "kopi-b"});
  ASSERT_EQ(due.size(), 3u);
  EXPECT_EQ(due[0].store, "jap");
  EXPECT_EQ(due[1].store, "kopi-a");
  EXPECT_EQ(due[1].zone, "Asia/Jakarta");
  EXPECT_EQ(due[2].store, "kopi-b");
}

TEST(ExpiryReminders, KeysAreValidated) {
  EXPECT_EQ(first_error(expiring("s", "Asia/Jakarta", ", remind_days: 366")),
            "test.yaml:6:42: points.expiry.remind_days must be between 0 and 365, got 366");
  EXPECT_EQ(first_error(expiring("s", "Asia/Jakarta", ", remind_at: \"25:00\"")),
            "test.yaml:6:40: points.expiry.remind_at must be a time \"HH:MM\" from 00:00 to 23:59, got '25:00'");
}

// The day after a lot is earned, the run reaches lots ending up to
// remind_days + 1 days after the sale: remind_days above after_days - 2
// would remind of every lot at once. An error when asked for; the default
// steps aside.
TEST(ExpiryReminders, RemindDaysLeavesTheLotsAtLeastTwoDays) {
  auto lasting = [](int after_days, const std::string& extra) {
    return "version: 1\nstore: s\ntimezone: Asia/Jakarta\npoints:\n  earn: [{name: base, per_amount: 1000, "
           "points: 1}]\n  expiry: {after_days: " +
           std::to_string(after_days) + extra + "}\n";
  };
  EXPECT_EQ(first_error(lasting(8, ", remind_days: 7")),
            "test.yaml:6:40: points.expiry.remind_days is 7, at most after_days - 2 (6) or 0: every lot would be "
            "reminded about the day after it is earned");
  EXPECT_EQ(first_error(lasting(1, ", remind_days: 1")),
            "test.yaml:6:40: points.expiry.remind_days is 1, at most after_days - 2 (0) or 0: every lot would be "
            "reminded about the day after it is earned");
  auto remind_days = [&](int after_days, const std::string& extra) {
    auto rs = rules::load_rule_text(lasting(after_days, extra), "test.yaml");
    return rs ? rs->points.remind_days : -1;
  };
  EXPECT_EQ(remind_days(8, ", remind_days: 6"), 6);
  EXPECT_EQ(remind_days(8, ""), 0) << "the default 7 would remind of every lot";
  EXPECT_EQ(remind_days(9, ""), 7);
  EXPECT_EQ(remind_days(1, ", remind_days: 0"), 0);
  EXPECT_EQ(remind_days(365, ""), 7);

  // What the rule protects, on the schedule itself: a lot earned on the 23rd
  // at 10:00 with after_days 8 ends on 1 December at 10:00; the run of the
  // 24th with remind_days 6 reaches lots ending by 30 November (not it),
  // the run of the 25th reaches it, 6 days ahead.
  auto book = book_of({lasting(8, ", remind_days: 6")});
  const auto lot_ends = unix_at(2026, 12, 1, 10, 0, 7);
  EXPECT_LT(expiry_reminders_due(*book, at(2026, 11, 24, 9, 0, 7))[0].until_unix, lot_ends);
  EXPECT_GE(expiry_reminders_due(*book, at(2026, 11, 25, 9, 0, 7))[0].until_unix, lot_ends);
}

TEST(PushJobs, AFailingStoreDoesNotStopTheOthersAndIsTriedAgain) {
  RecordingPushStore db;
  db.stores_with_members = {"kopi-a", "kopi-b", "kopi-c"};
  db.failing = "kopi-b";
  auto job = expiry_reminder_job(db, rules_from(book_of({expiring("*", "Asia/Jakarta")})));
  auto r = job.run(at(2026, 11, 23, 9, 0, 7));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error(),
            "reminded 2 member(s) of expiring points in 2 store(s); 1 failed, first kopi-b: connection lost");
  EXPECT_EQ(db.reminded, (std::vector<std::string>{"kopi-a 2026-11-23", "kopi-c 2026-11-23"}));
  // The next run asks only for the store that failed; once it answers, the
  // day is done and the runs cost no call until the next local day.
  db.failing.clear();
  r = job.run(at(2026, 11, 23, 9, 1, 7));
  ASSERT_TRUE(r.has_value()) << r.error();
  EXPECT_EQ(*r, "reminded 1 member(s) of expiring points in 1 store(s)");
  ASSERT_TRUE(job.run(at(2026, 11, 23, 9, 2, 7)).has_value());
  EXPECT_EQ(db.reminded.size(), 3u);
  ASSERT_TRUE(job.run(at(2026, 11, 24, 9, 0, 7)).has_value());
  EXPECT_EQ(db.reminded.size(), 6u);
  // A restarted daemon forgets, asks once per store, and the database says
  // the day is done: nothing sent, nothing logged.
  auto restarted = expiry_reminder_job(db, rules_from(book_of({expiring("*", "Asia/Jakarta")})));
  r = restarted.run(at(2026, 11, 24, 10, 0, 7));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r, "");
  EXPECT_EQ(db.reminded.size(), 9u);
}

// The stores the default file covers cannot be read: the stores with a
// file of their own still get their run, and the failure is reported.
TEST(PushJobs, UnreadableMemberStoresDoNotStopTheStoresWithTheirOwnFile) {
  RecordingPushStore db;
  db.failing_member_stores = true;
  auto job =
      expiry_reminder_job(db, rules_from(book_of({expiring("*", "Asia/Jakarta"), expiring("jkt", "Asia/Jakarta")})));
  auto r = job.run(at(2026, 11, 23, 9, 0, 7));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error(),
            "reminded 1 member(s) of expiring points in 1 store(s); 1 failed, first the stores with "
            "members: connection lost");
  EXPECT_EQ(db.reminded, (std::vector<std::string>{"jkt 2026-11-23"}));
}

TEST(PushJobs, TheStoresWithMembersAreReadAgainEveryTenMinutes) {
  RecordingPushStore db;
  db.stores_with_members = {"kopi-a"};
  auto job = promo_announcement_job(db, rules_from(book_of({promo("*", "Asia/Jakarta", ", announce: true")})));
  ASSERT_TRUE(job.run(at(2026, 12, 1, 9, 0, 7)).has_value());
  db.stores_with_members = {"kopi-a", "kopi-new"};
  for (int minute = 1; minute < 10; ++minute) ASSERT_TRUE(job.run(at(2026, 12, 1, 9, minute, 7)).has_value());
  EXPECT_EQ(db.member_store_calls, 1);
  EXPECT_EQ(db.announced, (std::vector<std::string>{"kopi-a cakalang-10"})) << "announced once, then remembered";
  auto r = job.run(at(2026, 12, 1, 9, 10, 7));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(db.member_store_calls, 2);
  EXPECT_EQ(*r, "announced 1 promo(s) to 2 member(s)");
  EXPECT_EQ(db.announced, (std::vector<std::string>{"kopi-a cakalang-10", "kopi-new cakalang-10"}));
}

TEST(PromoAnnouncements, OnTheFirstDayAtAnnounceAtInTheStoresZone) {
  auto book = book_of({promo("jkt", "Asia/Jakarta", ", announce: true"),
                       promo("jap", "Asia/Jayapura", ", announce: true, announce_at: \"10:30\""),
                       promo("quiet", "Asia/Jakarta", "")});
  EXPECT_TRUE(announcements_due(*book, at(2026, 11, 30, 23, 59, 7)).empty()) << "the day before";
  auto due = announcements_due(*book, at(2026, 12, 1, 8, 59, 7));  // 10:59 WIT
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].store, "jap");
  EXPECT_EQ(due[0].promo->id, "cakalang-10");
  due = announcements_due(*book, at(2026, 12, 1, 9, 0, 7));
  ASSERT_EQ(due.size(), 2u) << "announce: false is never announced";
  EXPECT_EQ(due[1].store, "jkt");
  // Still due on a later day of the promo (a daemon down on the first day,
  // a promo added while running): the store records it once.
  EXPECT_EQ(announcements_due(*book, at(2026, 12, 15, 12, 0, 7)).size(), 2u);
  EXPECT_TRUE(announcements_due(*book, at(2026, 12, 15, 1, 0, 7)).empty()) << "never before announce_at";
  EXPECT_TRUE(announcements_due(*book, at(2027, 1, 1, 12, 0, 7)).empty()) << "over";
}

TEST(PromoAnnouncements, SegmentsAreNotAnnouncedAndKeysAreValidated) {
  auto book = book_of({promo("jkt", "Asia/Jakarta", ", audience: \"segment:loyal\", announce: true")});
  EXPECT_TRUE(announcements_due(*book, at(2026, 12, 2, 12, 0, 7)).empty());
  auto rs = rules::load_rule_text(promo("jkt", "Asia/Jakarta", ", announce_at: \"10:00\""), "test.yaml");
  ASSERT_FALSE(rs.has_value());
  EXPECT_EQ(rs.error()[0].message, "promos[0].announce_at needs announce: true");
}

TEST(PromoAnnouncements, TheDataNamesThePromo) {
  auto book = book_of({promo("jkt", "Asia/Jakarta", ", announce: true")});
  auto data = nlohmann::json::parse(announcement_data(book->by_store.at("jkt")->promos[0]));
  EXPECT_EQ(data, (nlohmann::json{
                      {"promo_id", "cakalang-10"}, {"title", "Diskon 10% Nasi Cakalang"}, {"until", "2026-12-31"}}));
}

OutboxItem item(const std::string& kind, const std::string& data, const std::string& lang) {
  OutboxItem i;
  i.notification_id = 42;
  i.device_token = "tok";
  i.kind = kind;
  i.store_id = "marikh-salatiga";
  i.data_json = data;
  i.lang = lang;
  return i;
}

TEST(ScheduledPushTexts, ExpiringPointsInTheMembersLanguage) {
  const std::string data = R"({"points": 120, "lots": 2, "expires_at": 1796058000, "valid_until": "2026-12-01"})";
  auto id = render_push(item("points_expiring", data, "id"));
  EXPECT_EQ(id.title, "Poin segera hangus");
  EXPECT_EQ(id.body, "120 poin kamu berlaku sampai 1 Des 2026. Yuk, pakai sebelum hangus!");
  auto en = render_push(item("points_expiring", data, "en"));
  EXPECT_EQ(en.body, "120 of your points are valid until 1 Dec 2026. Use them before they expire!");
  EXPECT_EQ(en.data.at("kind"), "points_expiring");
  EXPECT_EQ(en.data.at("points"), "120") << "FCM data values are strings";
  EXPECT_EQ(en.id, "n42");
}

TEST(ScheduledPushTexts, PromoAndAdminAlert) {
  auto p =
      render_push(item("promo", R"({"promo_id": "cakalang-10", "title": "Diskon 10%", "until": "2026-05-31"})", "id"));
  EXPECT_EQ(p.title, "Promo baru");
  EXPECT_EQ(p.body, "Diskon 10%, sampai 31 Mei 2026. Klaim di aplikasi.");
  EXPECT_EQ(p.data.at("promo_id"), "cakalang-10");
  auto a = item("dead_letters", R"({"count": 3, "last_id": 17, "last_reason": "receipt_conflict"})", "id");
  a.device_token.clear();
  a.fcm_topic = "setia-admins-marikh-salatiga";
  auto m = render_push(a);
  EXPECT_EQ(m.topic, "setia-admins-marikh-salatiga");
  EXPECT_TRUE(m.device_token.empty());
  EXPECT_EQ(m.body,
            "3 transaksi dari POS ditolak (terakhir: receipt_conflict). Pelanggan mungkin belum dapat poin; "
            "cek daftar dead letter.");
}

TEST(ScheduledPushTexts, TheSalePushLinksToTheEnotaPage) {
  auto i = item("sale_points", R"({"sale_id": 77, "receipt_no": "R1", "points": 52, "balance": 152})", "id");
  EXPECT_EQ(render_push(i, {.public_url = "https://crm.example"}).link,
            "https://crm.example/v1/me/transactions/77/enota.html");
  EXPECT_EQ(render_push(i).link, "") << "no rest.public_url, no link";
}

std::string with_templates(const std::string& section) {
  return "version: 1\nstore: marikh-salatiga\ntimezone: Asia/Jakarta\nnotifications:\n" + section;
}

TEST(StorePushTemplates, TheStoresTextWithItsPlaceholdersFilledInTheMembersLanguage) {
  auto book = book_of({with_templates(
      "  sale_points:\n    id: \"Makasih {name}! +{points} poin (nota {receipt_no}), saldo {balance}.\"\n"
      "    en: \"Thanks {name}! +{points} points, balance {balance}.\"\n"
      "  points_expiring: { id: \"{points} poin hangus setelah {valid_until}, {name}!\" }\n"
      "  promo: { id: \"{title} s.d. {until}\", en: \"{title} until {until}\" }\n")});
  PushContext ctx{.rules = book->for_store("marikh-salatiga")};
  auto sale = item("sale_points", R"({"sale_id": 7, "receipt_no": "R1", "points": 52, "balance": 152})", "id");
  sale.member_name = "Ocha";
  EXPECT_EQ(render_push(sale, ctx).body, "Makasih Ocha! +52 poin (nota R1), saldo 152.");
  EXPECT_EQ(render_push(sale, ctx).title, "Poin bertambah") << "titles stay Setia's";
  sale.lang = "en";
  EXPECT_EQ(render_push(sale, ctx).body, "Thanks Ocha! +52 points, balance 152.");
  auto exp = item("points_expiring", R"({"points": 120, "valid_until": "2026-12-01"})", "en");
  exp.member_name = "Budi";
  EXPECT_EQ(render_push(exp, ctx).body, "120 poin hangus setelah 1 Dec 2026, Budi!") << "no en text: the id one";
  EXPECT_EQ(render_push(item("promo", R"({"title": "Diskon 10%", "until": "2026-05-31"})", "id"), ctx).body,
            "Diskon 10% s.d. 31 Mei 2026");
  // A store without templates keeps Setia's texts.
  auto plain = book_of({"version: 1\nstore: other\ntimezone: Asia/Jakarta\n"});
  EXPECT_EQ(render_push(sale, {.rules = plain->for_store("other")}).body,
            "+52 points from receipt R1. Your balance: 152 points.");
}

TEST(StorePushTemplates, KindsAndPlaceholdersAreValidated) {
  EXPECT_EQ(first_error(with_templates("  birthday: { id: \"x\" }\n")),
            "test.yaml:5:3: unknown key 'birthday' in notifications (expected one of: sale_points, points_expiring, "
            "promo)");
  EXPECT_EQ(first_error(with_templates("  promo: { id: \"{title} {points}\" }\n")),
            "test.yaml:5:16: notifications.promo.id may fill in only {name}, {title}, {until}; '{' at character 9 "
            "starts something else");
  // Characters, not bytes: "Ç" and "é" are two bytes each in UTF-8.
  EXPECT_EQ(first_error(with_templates("  promo: { id: \"Çafé {x}\" }\n")),
            "test.yaml:5:16: notifications.promo.id may fill in only {name}, {title}, {until}; '{' at character 6 "
            "starts something else");
  EXPECT_EQ(first_error(with_templates("  promo: { en: \"{title}\" }\n")),
            "test.yaml:5:10: notifications.promo needs 'id' (the Indonesian text; 'en' is optional)");
}

}  // namespace
}  // namespace setia::core
