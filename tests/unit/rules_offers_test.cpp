// What a rule file offers and how the store runs: rewards, promos, the
// birthday gift, reservations, the e-nota.
#include <gtest/gtest.h>

#include "rules/birthday.h"
#include "rules/promos.h"
#include "rules/reservation_rules.h"
#include "rules/rewards.h"
#include "rules_test_support.h"

namespace setia::rules {
namespace {

using test::kHead;
using test::load;
using test::wib;

TEST(Rewards, AvailableWithinItsStoreLocalDatesAndStock) {
  auto rs = load(std::string(kHead) +
                 "rewards:\n"
                 "  - id: free-smoothie\n    title: \"Gratis 1 Smoothies All Variant\"\n    cost: 100\n"
                 "    available_from: 2027-06-01\n    available_until: 2027-08-31\n    stock: 50\n"
                 "    voucher: { free_item: { category: smoothies, qty: 1 }, valid_days: 30 }\n"
                 "  - {id: kopi, title: Kopi, cost: 40, voucher: {amount_off: 18000}}\n");
  ASSERT_EQ(rs.rewards.size(), 2u);
  const Reward& r = *rs.reward("free-smoothie");
  EXPECT_EQ(r.cost, 100);
  EXPECT_EQ(std::get<domain::FreeItem>(r.voucher.benefit).category, "smoothies");
  EXPECT_FALSE(reward_available(rs, r, wib(2027, 5, 31, 23, 59)));
  EXPECT_TRUE(reward_available(rs, r, wib(2027, 6, 1, 0, 0)));
  EXPECT_TRUE(reward_available(rs, r, wib(2027, 8, 31, 23, 59)));  // until is inclusive...
  EXPECT_FALSE(reward_available(rs, r, wib(2027, 9, 1, 0, 0)));    // ...on the store's calendar
  EXPECT_TRUE(reward_available(rs, r, wib(2027, 7, 1), 49));
  EXPECT_FALSE(reward_available(rs, r, wib(2027, 7, 1), 50));  // out of stock
  const Reward& kopi = *rs.reward("kopi");
  EXPECT_TRUE(reward_available(rs, kopi, wib(2099, 1, 1), 1'000'000));  // no window, no stock
  EXPECT_EQ(rs.reward("nope"), nullptr);
}

TEST(Promos, ActiveOnTheirStoreLocalDays) {
  auto rs = load(std::string(kHead) +
                 "promos:\n"
                 "  - id: cakalang-10\n    title: \"Diskon 10% Nasi Cakalang\"\n    audience: members\n"
                 "    from: 2020-05-01\n    until: 2020-05-31\n    claim: { per_member: 1, total: 100 }\n"
                 "    voucher: { percent_off: 10, max_off: 20000, min_spend: 50000, valid_days: 7 }\n"
                 "    announce: true\n"
                 "  - {id: vip, title: VIP, audience: \"segment:vip\", from: 2020-05-15, until: 2020-06-15,"
                 " voucher: {amount_off: 5000}}\n");
  auto ids = [&](std::int64_t t) {
    std::vector<std::string> out;
    for (const Promo* p : active_promos(rs, t)) out.push_back(p->id);
    return out;
  };
  EXPECT_EQ(ids(wib(2020, 4, 30, 23, 59)), std::vector<std::string>{});
  EXPECT_EQ(ids(wib(2020, 5, 1)), std::vector<std::string>{"cakalang-10"});
  EXPECT_EQ(ids(wib(2020, 5, 20)), (std::vector<std::string>{"cakalang-10", "vip"}));
  EXPECT_EQ(ids(wib(2020, 6, 1)), std::vector<std::string>{"vip"});
  const Promo& p = *rs.promo("cakalang-10");
  EXPECT_EQ(p.per_member, 1);
  EXPECT_EQ(p.total, 100);
  EXPECT_TRUE(p.announce);
  EXPECT_EQ(p.audience, (Audience{Audience::Kind::members, ""}));
  EXPECT_EQ(rs.promo("vip")->audience, (Audience{Audience::Kind::segment, "vip"}));
  EXPECT_FALSE(rs.promo("vip")->announce);
  EXPECT_EQ(rs.promo("vip")->total, std::nullopt);
  auto pct = std::get<domain::PercentOff>(p.voucher.benefit);
  EXPECT_EQ(pct.percent, 10);
  EXPECT_EQ(pct.max_off, 20000);
  EXPECT_EQ(p.voucher.min_spend, 50000);
  EXPECT_EQ(p.voucher.valid_days, 7);
}

TEST(Birthday, TheMessageInTheMembersLanguageWithTheirName) {
  auto rs = load(std::string(kHead) +
                 "birthday:\n  send_at: \"09:00\"\n"
                 "  voucher: { amount_off: 25000, min_spend: 50000, valid_days: 7, title: \"Hadiah Ulang Tahun\" }\n"
                 "  message:\n"
                 "    id: \"Selamat ulang tahun, {name}! Ada hadiah Rp 25.000 untukmu di Marikh.\"\n"
                 "    en: \"Happy birthday, {name}! {name}, a Rp 25,000 gift is waiting for you.\"\n");
  ASSERT_TRUE(rs.birthday);
  const Birthday& b = *rs.birthday;
  EXPECT_EQ(b.send_at, 9 * 60);
  EXPECT_EQ(b.voucher.title, "Hadiah Ulang Tahun");
  EXPECT_EQ(birthday_message(b, "id", "Ocha"), "Selamat ulang tahun, Ocha! Ada hadiah Rp 25.000 untukmu di Marikh.");
  EXPECT_EQ(birthday_message(b, "en", "Ocha"), "Happy birthday, Ocha! Ocha, a Rp 25,000 gift is waiting for you.");
  EXPECT_EQ(birthday_message(b, "jv", "Ocha"), birthday_message(b, "id", "Ocha"));  // unknown: Indonesian
  EXPECT_EQ(birthday_message(b, "id", "{name}"),
            "Selamat ulang tahun, {name}! Ada hadiah Rp 25.000 untukmu di Marikh.");  // not expanded twice
}

TEST(Birthday, EnglishFallsBackToIndonesianAndSendAtDefaultsToNine) {
  auto rs =
      load(std::string(kHead) + "birthday:\n  voucher: {percent_off: 20}\n  message: {id: \"Met ultah {name}\"}\n");
  EXPECT_EQ(rs.birthday->send_at, 9 * 60);
  EXPECT_EQ(birthday_message(*rs.birthday, "en", "Budi"), "Met ultah Budi");
  EXPECT_EQ(rs.birthday->voucher.valid_days, 30);
}

TEST(Reservations, HoursByDayRangesAndClosedDates) {
  auto rs = load(std::string(kHead) +
                 "reservations:\n  seats: 40\n  slot_minutes: 30\n  stay_minutes: 90\n  max_party: 10\n"
                 "  lead_minutes: 60\n  horizon_days: 30\n"
                 "  hours:\n    mon-fri: \"10:00-22:00\"\n    sat-sun: \"08:00-23:00\"\n"
                 "  closed: [2020-05-24, 2020-05-22]\n  notify_admins: true\n");
  ASSERT_TRUE(rs.reservations);
  const Reservations& r = *rs.reservations;
  EXPECT_EQ(r.seats, 40);
  EXPECT_TRUE(r.notify_admins);
  EXPECT_EQ(hours_on(r, {2020, 5, 27}), (TimeWindow{10 * 60, 22 * 60}));  // Wednesday
  EXPECT_EQ(hours_on(r, {2020, 5, 23}), (TimeWindow{8 * 60, 23 * 60}));   // Saturday
  EXPECT_EQ(hours_on(r, {2020, 5, 24}), std::nullopt);                    // a closed Sunday
  EXPECT_EQ(hours_on(r, {2020, 5, 22}), std::nullopt);                    // a closed Friday
}

TEST(Reservations, RangesWrapAndUnlistedDaysAreClosed) {
  auto rs = load(std::string(kHead) +
                 "reservations:\n  seats: 6\n  hours: {fri-mon: \"16:00-24:00\", wed: \"10:00-14:00\"}\n");
  const Reservations& r = *rs.reservations;
  EXPECT_EQ(r.slot_minutes, 30);
  EXPECT_EQ(r.max_party, 6);                                              // the default 10, cut to the seats
  EXPECT_EQ(hours_on(r, {2020, 5, 25}), (TimeWindow{16 * 60, 24 * 60}));  // Monday
  EXPECT_EQ(hours_on(r, {2020, 5, 26}), std::nullopt);                    // Tuesday
  EXPECT_EQ(hours_on(r, {2020, 5, 27}), (TimeWindow{10 * 60, 14 * 60}));
  EXPECT_EQ(hours_on(r, {2020, 5, 28}), std::nullopt);                    // Thursday
  EXPECT_EQ(hours_on(r, {2020, 5, 29}), (TimeWindow{16 * 60, 24 * 60}));  // Friday
}

TEST(Enota, HeaderFooterAndWidth) {
  auto rs =
      load(std::string(kHead) + "enota:\n  header: [\"MARIKH SALATIGA\"]\n  footer: [\"Terima Kasih\"]\n  width: 48\n");
  EXPECT_EQ(rs.enota.header, std::vector<std::string>{"MARIKH SALATIGA"});
  EXPECT_EQ(rs.enota.footer, std::vector<std::string>{"Terima Kasih"});
  EXPECT_EQ(rs.enota.width, 48);
  EXPECT_EQ(load(kHead).enota.width, 32);
}

}  // namespace
}  // namespace setia::rules
