// core::birthday_schedule and core::celebrates_on: which stores' birthday
// send time has come at an instant, in each store's own time zone, and who
// celebrates on a day (29 February in non-leap years).
#include <gtest/gtest.h>

#include "core/scheduler/birthday_job.h"
#include "rules/loader.h"
#include "rules/store_time.h"
#include "tests/support/rule_books.h"

namespace setia::core {
namespace {

using test::at;

std::string file(const std::string& store, const std::string& tz, const std::string& send_at, bool birthday = true) {
  std::string y = "version: 1\nstore: \"" + store + "\"\ntimezone: " + tz + "\n";
  if (birthday) {
    y += "birthday:\n  send_at: \"" + send_at +
         "\"\n  voucher: { amount_off: 25000, valid_days: 7, title: \"Kado\" }\n"
         "  message: { id: \"Selamat ulang tahun, {name}!\", en: \"Happy birthday, {name}!\" }\n";
  }
  return y;
}

TEST(BirthdaySchedule, SendTimeInEachStoresZone) {
  auto b = test::book_of({file("jkt", "Asia/Jakarta", "09:00"), file("mks", "Asia/Makassar", "09:00"),
                          file("jap", "Asia/Jayapura", "09:00"), file("none", "Asia/Jakarta", "", false)});
  // 01:00 UTC: 08:00 WIB, 09:00 WITA, 10:00 WIT.
  auto s = birthday_schedule(*b, at(2026, 11, 23, 1, 0, 0));
  ASSERT_EQ(s.size(), 3u) << "a store without a birthday section is left out";
  EXPECT_EQ(s[0].store, "jap");
  EXPECT_TRUE(s[0].due);
  EXPECT_EQ(s[0].local_minute, 10 * 60);
  EXPECT_EQ(s[1].store, "jkt");
  EXPECT_FALSE(s[1].due);
  EXPECT_EQ(s[1].local_minute, 8 * 60);
  EXPECT_EQ(s[2].store, "mks");
  EXPECT_TRUE(s[2].due) << "exactly send_at is due";
  for (const auto& d : s) EXPECT_EQ(d.local_date, (domain::LocalDate{2026, 11, 23}));
}

TEST(BirthdaySchedule, OneMinuteBeforeAndAfterSendAtAndLocalMidnight) {
  auto b = test::book_of({file("jkt", "Asia/Jakarta", "09:00"), file("jap", "Asia/Jayapura", "00:00")});
  auto s = birthday_schedule(*b, at(2026, 11, 23, 8, 59, 7));
  ASSERT_EQ(s.size(), 2u);
  EXPECT_FALSE(s[1].due);
  EXPECT_EQ(s[1].local_date, (domain::LocalDate{2026, 11, 23}));
  s = birthday_schedule(*b, at(2026, 11, 23, 9, 0, 7));
  EXPECT_TRUE(s[1].due);
  s = birthday_schedule(*b, at(2026, 11, 23, 23, 59, 7));
  EXPECT_TRUE(s[1].due) << "catching up all day";
  EXPECT_EQ(s[1].local_date, (domain::LocalDate{2026, 11, 23}));
  // Jayapura at 23:59 and at 00:01 the next day: a new local date.
  s = birthday_schedule(*b, at(2026, 11, 23, 23, 59, 9));
  EXPECT_EQ(s[0].store, "jap");
  EXPECT_EQ(s[0].local_date, (domain::LocalDate{2026, 11, 23}));
  s = birthday_schedule(*b, at(2026, 11, 24, 0, 1, 9));
  EXPECT_EQ(s[0].local_date, (domain::LocalDate{2026, 11, 24}));
  EXPECT_TRUE(s[0].due);
  EXPECT_EQ(s[0].local_minute, 1);
  // ... when it is still the 23rd in Jakarta (22:01 WIB).
  EXPECT_EQ(s[1].local_date, (domain::LocalDate{2026, 11, 23}));
}

TEST(BirthdaySchedule, TheDefaultFileCoversStoresWithoutTheirOwn) {
  auto b = test::book_of({file("*", "Asia/Jakarta", "09:00"), file("jap", "Asia/Jayapura", "09:00"),
                          file("plain", "Asia/Jakarta", "", false)});
  auto s = birthday_schedule(*b, at(2026, 11, 23, 9, 30, 7), {"a", "jap", "plain", "a", "*"});
  ASSERT_EQ(s.size(), 2u) << "'plain' has its own file without a birthday; 'jap' is not listed twice";
  EXPECT_EQ(s[0].store, "a");
  EXPECT_EQ(s[0].rules.get(), b->fallback.get());
  EXPECT_TRUE(s[0].due);
  EXPECT_EQ(s[1].store, "jap");
  EXPECT_EQ(s[1].rules.get(), b->by_store.at("jap").get());
}

TEST(BirthdaySchedule, TwentyNinthOfFebruary) {
  const domain::LocalDate leapling{2000, 2, 29};
  EXPECT_TRUE(celebrates_on(leapling, {2027, 2, 28}));
  EXPECT_FALSE(celebrates_on(leapling, {2027, 3, 1}));
  EXPECT_TRUE(celebrates_on(leapling, {2028, 2, 29}));
  EXPECT_FALSE(celebrates_on(leapling, {2028, 2, 28}));
  EXPECT_TRUE(celebrates_on(leapling, {2100, 2, 28})) << "2100 is not a leap year";
  EXPECT_FALSE(celebrates_on(leapling, {2000, 2, 28}));
  EXPECT_TRUE(celebrates_on({1990, 11, 23}, {2026, 11, 23}));
  EXPECT_FALSE(celebrates_on({1990, 11, 23}, {2026, 11, 24}));
  EXPECT_TRUE(celebrates_on({1990, 2, 28}, {2028, 2, 28}));
}

// birthday.notice_days: a birth date set on the day N days before the
// birthday (store-local) still counts; one set the next day does not.
TEST(BirthdaySchedule, TheNoticeIsCountedInWholeStoreLocalDays) {
  const auto* wib = rules::find_zone("Asia/Jakarta");
  ASSERT_NE(wib, nullptr);
  const domain::LocalDate birthday{2026, 12, 6};
  const auto seconds_of = [](auto t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
  };
  // 30 days: set before 00:00 WIB on 7 November (17:00 UTC on the 6th).
  const auto cutoff = birth_date_set_before(wib, birthday, 30);
  EXPECT_EQ(cutoff, seconds_of(at(2026, 11, 6, 17, 0, 0)));
  // 0 days: anything set before the birthday is over.
  EXPECT_EQ(birth_date_set_before(wib, birthday, 0), seconds_of(at(2026, 12, 6, 17, 0, 0)));
  // The rule file's default, and its key.
  auto b = test::book_of({file("jkt", "Asia/Jakarta", "09:00")});
  EXPECT_EQ(b->by_store.at("jkt")->birthday->notice_days, 30);
  auto seven =
      test::book_of({"version: 1\nstore: \"k\"\ntimezone: Asia/Jakarta\nbirthday:\n  notice_days: 7\n"
                     "  voucher: { amount_off: 1000, valid_days: 7 }\n  message: { id: \"Hai {name}\" }\n"});
  EXPECT_EQ(seven->by_store.at("k")->birthday->notice_days, 7);
}

}  // namespace
}  // namespace setia::core
