// Loading rule files: every mistake is an error at file:line:column saying
// what was expected, and a file with any error is never loaded.
#include <gtest/gtest.h>

#include "rules/loader.h"
#include "rules_test_support.h"

namespace setia::rules {
namespace {

using test::errors_of;
using test::first_error;
using test::kHead;
using test::load;

std::string earn(const std::string& rule) { return std::string(kHead) + "points:\n  earn:\n    - " + rule + "\n"; }

TEST(LoaderKeys, UnknownKeysAreErrorsWithTheirPosition) {
  EXPECT_EQ(first_error(std::string(kHead) + "pionts: {}\n"),
            "4:1: unknown key 'pionts' in a rule file (expected one of: version, store, timezone, currency, points, "
            "sales, rewards, promos, birthday, reservations, enota, notifications, branding)");
  EXPECT_EQ(first_error(earn("{name: base, per_amount: 1000, bogus: 1}")),
            "6:38: unknown key 'bogus' in points.earn[0] (expected one of: name, when, per_amount, points, basis, "
            "exclude_categories, categories, multiplier, multiplier_percent, bonus)");
  EXPECT_EQ(first_error(earn("{name: b, bonus: 1, when: {day: [sat]}}")),
            "6:34: unknown key 'day' in points.earn[0].when (expected one of: days, between, from, until, category, "
            "sku, min_qty)");
  EXPECT_EQ(first_error(std::string(kHead) + "rewards:\n  - {id: r, title: R, cost: 1, voucher: {amount_off: 1, "
                                             "valid: 3}}\n"),
            "5:57: unknown key 'valid' in rewards[0].voucher (expected one of: percent_off, max_off, amount_off, "
            "free_item, min_spend, valid_days, title)");
}

TEST(LoaderKeys, RepeatedKeysAreErrors) {
  EXPECT_EQ(first_error(std::string(kHead) + "store: other\n"), "4:1: duplicate key 'store' in a rule file");
}

TEST(LoaderValues, WrongTypesAndImpossibleValues) {
  EXPECT_EQ(first_error(earn("{name: base, per_amount: 0}")),
            "6:32: points.earn[0].per_amount must be between 1 and 1000000000, got 0");
  EXPECT_EQ(first_error(earn("{name: base, per_amount: 1000, points: -5}")),
            "6:46: points.earn[0].points must be between 1 and 1000000, got -5");
  EXPECT_EQ(first_error(earn("{name: base, per_amount: 1.5}")),
            "6:32: points.earn[0].per_amount must be a whole number, got '1.5'");
  EXPECT_EQ(first_error(earn("{name: base, per_amount: [1000]}")),
            "6:32: points.earn[0].per_amount must be an integer");
  EXPECT_EQ(first_error(std::string(kHead) + "points:\n  max_per_sale: 99999999999999999999999\n"),
            "5:17: points.max_per_sale is too large (at most 1000000000)");
  EXPECT_EQ(first_error(earn("{name: a, per_amount: 1000, basis: net}")),
            "6:42: points.earn[0].basis must be 'total' or 'subtotal', got 'net'");
  EXPECT_EQ(first_error(earn("{name: Base, per_amount: 1000}")),
            "6:14: points.earn[0].name must match [a-z0-9][a-z0-9_-]{0,62} (lower case, digits, '-' and '_'), got "
            "'Base'");
  EXPECT_EQ(first_error(earn("{name: m, multiplier: 1}")),
            "6:29: points.earn[0].multiplier must be between 2 and 10, got 1");
  EXPECT_EQ(first_error(earn("{name: m, multiplier: 1.5}")),
            "6:29: points.earn[0].multiplier must be a whole number, got '1.5'");
  EXPECT_EQ(first_error(earn("{name: m, multiplier_percent: 100}")),
            "6:37: points.earn[0].multiplier_percent must be between 101 and 1000, got 100");
  EXPECT_EQ(first_error(earn("{name: b, bonus: -3}")),
            "6:24: points.earn[0].bonus must be between 1 and 1000000, got -3");
  EXPECT_EQ(first_error("version: 2\nstore: x\ntimezone: Asia/Jakarta\n"),
            "1:10: version must be between 1 and 1, got 2");
  EXPECT_EQ(first_error("version: 1\nstore: Bad_Store\ntimezone: Asia/Jakarta\n"),
            "2:8: store must be \"*\" or match [a-z0-9][a-z0-9-]{0,62}, got 'Bad_Store'");
  EXPECT_EQ(first_error("version: 1\nstore: x\n"),
            "1:1: missing 'timezone' (an IANA name such as Asia/Jakarta, Asia/Makassar or Asia/Jayapura)");
  EXPECT_EQ(first_error("version: 1\nstore: x\ntimezone: Asia/Jakarta\ncurrency: USD\n"),
            "4:11: currency must be IDR (the only one supported), got 'USD'");
}

TEST(LoaderValues, TimeZonesMustBeInTheTzDatabase) {
  EXPECT_EQ(first_error("version: 1\nstore: x\ntimezone: Asia/Jakata\n"),
            "3:11: unknown time zone 'Asia/Jakata' (expected an IANA name from the tz database such as "
            "Asia/Jakarta, Asia/Makassar or Asia/Jayapura)");
  EXPECT_NE(first_error("version: 1\nstore: x\ntimezone: \"+07:00\"\n").find("unknown time zone '+07:00'"),
            std::string::npos);
  EXPECT_NE(first_error("version: 1\nstore: x\ntimezone: ../../../etc/passwd\n").find("unknown time zone"),
            std::string::npos);
  EXPECT_EQ(load("version: 1\nstore: x\ntimezone: Asia/Makassar\n").timezone, "Asia/Makassar");
}

TEST(LoaderValues, EffectsExactlyOne) {
  EXPECT_EQ(first_error(earn("{name: x}")),
            "6:7: points.earn[0] needs one effect: a rate (per_amount, points), a multiplier (multiplier or "
            "multiplier_percent) or a bonus");
  EXPECT_EQ(first_error(earn("{name: x, multiplier: 2, bonus: 5}")),
            "6:7: points.earn[0] has more than one effect (multiplier, bonus); give exactly one: a rate (per_amount "
            "with points, basis, exclude_categories, categories), multiplier, multiplier_percent or bonus");
  EXPECT_NE(first_error(earn("{name: x, per_amount: 1000, bonus: 5}")).find("more than one effect (per_amount, bonus)"),
            std::string::npos);
  EXPECT_NE(first_error(earn("{name: x, multiplier: 2, multiplier_percent: 150}")).find("more than one effect"),
            std::string::npos);
  EXPECT_NE(first_error(earn("{name: x, points: 5, bonus: 5}")).find("more than one effect (points, bonus)"),
            std::string::npos);
  EXPECT_EQ(first_error(earn("{name: x, points: 5}")),
            "6:7: points.earn[0] needs 'per_amount' (rupiah spent per 'points', e.g. 1000)");
}

TEST(LoaderValues, TimesAndWindows) {
  EXPECT_EQ(first_error(earn("{name: b, bonus: 1, when: {between: \"25:00-26:00\"}}")),
            "6:43: points.earn[0].when.between must be \"HH:MM-HH:MM\" (00:00 to 23:59, the end may be 24:00), got "
            "'25:00-26:00'");
  EXPECT_EQ(first_error(earn("{name: b, bonus: 1, when: {between: \"17:00-14:00\"}}")),
            "6:43: points.earn[0].when.between must end after it starts, got '17:00-14:00' (a window never crosses "
            "midnight: split it in two rules)");
  EXPECT_NE(first_error(earn("{name: b, bonus: 1, when: {between: \"14:00-14:00\"}}")).find("must end after it starts"),
            std::string::npos);
  EXPECT_EQ(first_error(earn("{name: b, bonus: 1, when: {days: [sat, sab]}}")),
            "6:46: points.earn[0].when.days items must be one of mon, tue, wed, thu, fri, sat, sun, got 'sab'");
  EXPECT_EQ(first_error(earn("{name: b, bonus: 1, when: {days: []}}")),
            "6:40: points.earn[0].when.days must be a non-empty list of days: mon, tue, wed, thu, fri, sat, sun");
  EXPECT_EQ(first_error(std::string(kHead) + "birthday:\n  send_at: \"25:00\"\n  voucher: {amount_off: 1}\n"
                                             "  message: {id: hi}\n"),
            "5:12: birthday.send_at must be a time \"HH:MM\" from 00:00 to 23:59, got '25:00'");
}

TEST(LoaderValues, DatesMustExistAndRunForward) {
  EXPECT_EQ(first_error(earn("{name: b, bonus: 1, when: {from: 2021-02-29}}")),
            "6:40: points.earn[0].when.from must be a date YYYY-MM-DD that exists (e.g. 2027-08-31), got '2021-02-29'");
  EXPECT_EQ(first_error(earn("{name: b, bonus: 1, when: {from: 2020-06-01, until: 2020-05-31}}")),
            "6:59: points.earn[0].when until 2020-05-31 is before from 2020-06-01");
  EXPECT_EQ(first_error(std::string(kHead) + "promos:\n  - {id: p, title: P, from: 2020-05-31, until: 2020-05-01, "
                                             "voucher: {amount_off: 1}}\n"),
            "5:48: promos[0] until 2020-05-01 is before from 2020-05-31");
  EXPECT_EQ(first_error(std::string(kHead) + "rewards:\n  - {id: r, title: R, cost: 1, available_from: 2027-09-01, "
                                             "available_until: 2027-08-31, voucher: {amount_off: 1}}\n"),
            "5:77: rewards[0] until 2027-08-31 is before from 2027-09-01");
}

TEST(LoaderValues, IdsAreUniqueAcrossEarnRewardsAndPromos) {
  EXPECT_EQ(first_error(earn("{name: a, per_amount: 1000}\n    - {name: a, per_amount: 500}")),
            "7:14: duplicate id 'a': already the name of earn rule at line 6 (earn rule names, reward ids and promo "
            "ids must all differ)");
  // The promo comes first in the file, the earn rule second: the error is
  // at the second, whatever order the sections are read in.
  auto text = std::string(kHead) +
              "promos:\n  - {id: base, title: P, from: 2020-05-01, until: 2020-05-31, voucher: {amount_off: 1}}\n"
              "points:\n  earn:\n    - {name: base, per_amount: 1000}\n"
              "rewards:\n  - {id: base, title: R, cost: 1, voucher: {amount_off: 1}}\n";
  auto errors = errors_of(text);
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0],
            "8:14: duplicate id 'base': already the name of promo at line 5 (earn rule names, reward ids "
            "and promo ids must all differ)");
  EXPECT_EQ(errors[1].substr(0, 48), "10:10: duplicate id 'base': already the name of ");
}

TEST(LoaderValues, VoucherTerms) {
  auto reward = [](const std::string& voucher) {
    return std::string(kHead) + "rewards:\n  - {id: r, title: R, cost: 1, voucher: " + voucher + "}\n";
  };
  EXPECT_EQ(first_error(reward("{percent_off: 0}")),
            "5:55: rewards[0].voucher.percent_off must be between 1 and 100, got 0");
  EXPECT_EQ(first_error(reward("{percent_off: 101}")),
            "5:55: rewards[0].voucher.percent_off must be between 1 and 100, got 101");
  EXPECT_EQ(
      first_error(reward("{percent_off: 10, amount_off: 5000}")),
      "5:41: rewards[0].voucher has more than one benefit; give exactly one of percent_off, amount_off, free_item");
  EXPECT_EQ(first_error(reward("{min_spend: 5000}")),
            "5:41: rewards[0].voucher needs exactly one of percent_off, amount_off, free_item");
  EXPECT_EQ(first_error(reward("{amount_off: 5000, max_off: 100}")),
            "5:69: rewards[0].voucher.max_off caps a percent_off; it has no meaning here");
  EXPECT_EQ(first_error(reward("{free_item: {category: a, sku: b}}")),
            "5:53: rewards[0].voucher.free_item needs exactly one of category, sku");
  EXPECT_EQ(first_error(reward("{amount_off: 1, valid_days: 0}")),
            "5:69: rewards[0].voucher.valid_days must be between 1 and 3650, got 0");
  EXPECT_EQ(first_error(reward("{amount_off: 1, valid_days: 3651}")),
            "5:69: rewards[0].voucher.valid_days must be between 1 and 3650, got 3651");
}

TEST(LoaderValues, MessagesAndTexts) {
  auto bday = [](const std::string& id) {
    return std::string(kHead) + "birthday:\n  voucher: {amount_off: 1}\n  message: {id: \"" + id + "\"}\n";
  };
  EXPECT_EQ(first_error(bday("Halo {nama}!")),
            "6:17: birthday.message.id may fill in only {name}; '{' at character 6 starts something else");
  EXPECT_EQ(first_error(bday("Halo\\nOcha")), "6:17: birthday.message.id must be one line without control characters");
  EXPECT_EQ(
      first_error(std::string(kHead) + "rewards:\n  - {id: r, title: \"\xff\", cost: 1, voucher: {amount_off: 1}}\n"),
      "5:20: rewards[0].title is not valid UTF-8");
  EXPECT_EQ(first_error(std::string(kHead) + "enota:\n  header: [\"123456789012345678901234567890123\"]\n"),
            "5:12: enota.header[0] is 33 characters, wider than the receipt (width 32)");
  EXPECT_EQ(load(std::string(kHead) + "enota:\n  header: [\"123456789012345678901234567890123\"]\n  width: 48\n")
                .enota.header.size(),
            1u);
  std::string accented;  // 32 characters, 64 bytes: width counts characters
  for (int i = 0; i < 32; ++i) accented += "\xc3\xa9";
  EXPECT_EQ(load(std::string(kHead) + "enota:\n  footer: [\"" + accented + "\"]\n").enota.footer[0], accented);
  EXPECT_EQ(first_error(std::string(kHead) + "enota:\n  width: 40\n"),
            "5:10: enota.width must be 32 (58 mm paper) or 48 (80 mm paper), got 40");
}

TEST(LoaderValues, PromosAndAudience) {
  auto promo = [](const std::string& extra) {
    return std::string(kHead) +
           "promos:\n  - {id: p, title: P, from: 2020-05-01, until: 2020-05-31, "
           "voucher: {amount_off: 1}" +
           extra + "}\n";
  };
  EXPECT_EQ(first_error(promo(", audience: staff")),
            "5:96: promos[0].audience must be members, everyone or segment:<name> (a name of [a-z0-9_-]), got 'staff'");
  EXPECT_NE(first_error(promo(", audience: \"segment:\"")).find("must be members, everyone or segment"),
            std::string::npos);
  EXPECT_EQ(first_error(promo(", announce: yes")), "5:96: promos[0].announce must be true or false");
  EXPECT_EQ(first_error(promo(", claim: {per_member: 0}")),
            "5:106: promos[0].claim.per_member must be between 1 and 1000, got 0");
  EXPECT_EQ(first_error(std::string(kHead) + "promos:\n  - {id: p, title: P, voucher: {amount_off: 1}}\n"),
            "5:5: promos[0] needs 'from' (its first day, YYYY-MM-DD)");
}

TEST(LoaderValues, Reservations) {
  auto res = [](const std::string& body) { return std::string(kHead) + "reservations:\n" + body; };
  EXPECT_EQ(first_error(res("  seats: 4\n  max_party: 6\n  hours: {mon: \"10:00-22:00\"}\n")),
            "6:14: reservations.max_party (6) is more than the seats (4)");
  EXPECT_EQ(first_error(res("  seats: 4\n  max_party: 4\n  hours: {mon-fri: \"10:00-22:00\", fri: \"10:00-23:00\"}\n")),
            "7:35: reservations.hours gives fri twice (also at line 7)");
  EXPECT_EQ(first_error(res("  seats: 4\n  max_party: 4\n  hours: {weekdays: \"10:00-22:00\"}\n")),
            "7:11: reservations.hours keys must be a day (mon..sun) or a range such as mon-fri, got 'weekdays'");
  EXPECT_EQ(first_error(res("  seats: 4\n  max_party: 4\n  hours: {}\n")),
            "7:10: reservations.hours gives no day; list the days the store takes reservations");
  EXPECT_EQ(first_error(res("  seats: 4\n  max_party: 4\n  slot_minutes: 7\n  hours: {mon: \"10:00-22:00\"}\n")),
            "7:17: reservations.slot_minutes must divide a day (e.g. 15, 20, 30, 60), got 7");
  EXPECT_EQ(first_error(res("  seats: 4\n  max_party: 4\n  hours: {mon: \"10:00-22:00\"}\n  closed: [2020-02-30]\n")),
            "8:12: reservations.closed item must be a date YYYY-MM-DD that exists (e.g. 2027-08-31), got '2020-02-30'");
}

TEST(LoaderValues, SaleLimitsHaveSafeDefaultsAndRanges) {
  auto defaults = load(kHead);
  EXPECT_EQ(defaults.sales.future_minutes, 5);
  EXPECT_EQ(defaults.sales.past_days, 7);
  EXPECT_EQ(defaults.sales.max_total, 100'000'000);
  EXPECT_EQ(defaults.points.max_per_sale, 10'000);
  auto own = load(std::string(kHead) + "sales: {future_minutes: 0, past_days: 30, max_total: 2000000}\n");
  EXPECT_EQ(own.sales.future_minutes, 0);
  EXPECT_EQ(own.sales.past_days, 30);
  EXPECT_EQ(own.sales.max_total, 2'000'000);
  auto sales = [](const std::string& body) { return std::string(kHead) + "sales: {" + body + "}\n"; };
  EXPECT_EQ(first_error(sales("past_days: 0")), "4:20: sales.past_days must be between 1 and 3650, got 0");
  EXPECT_EQ(first_error(sales("future_minutes: 1441")),
            "4:25: sales.future_minutes must be between 0 and 1440, got 1441");
  EXPECT_EQ(first_error(sales("max_total: 0")), "4:20: sales.max_total must be between 1 and 1000000000000, got 0");
  EXPECT_EQ(first_error(sales("max_totl: 5")),
            "4:9: unknown key 'max_totl' in sales (expected one of: future_minutes, past_days, max_total)");
}

TEST(LoaderErrors, EveryErrorOfTheFileIsReportedInOrder) {
  auto errors = errors_of(
      "version: 1\nstore: x\ntimezone: Asia/Nowhere\npoints:\n  earn:\n"
      "    - {name: a, per_amount: 0}\n    - {name: b, bonus: 1, multiplier: 2}\n"
      "  expiry: {at: end_of_week}\nenota: {width: 40}\n");
  ASSERT_EQ(errors.size(), 5u) << ::testing::PrintToString(errors);
  EXPECT_EQ(errors[0].substr(0, 5), "3:11:");
  EXPECT_EQ(errors[1].substr(0, 5), "6:29:");
  EXPECT_EQ(errors[2].substr(0, 4), "7:7:");
  EXPECT_EQ(errors[3], "8:16: points.expiry.at must be end_of_month or end_of_year, got 'end_of_week'");
  EXPECT_EQ(errors[4].substr(0, 5), "9:16:");
}

TEST(LoaderErrors, SyntaxErrorsAndEmptyFiles) {
  EXPECT_EQ(first_error("version: [1\n"), "2:1: YAML syntax: end of sequence flow not found");
  EXPECT_EQ(first_error(""), "1:1: file is empty");
  EXPECT_EQ(first_error("# only a comment\n"), "1:1: file is empty");
  EXPECT_EQ(first_error("- a\n- b\n"), "1:1: a rule file must be a mapping");
}

// --- guards against hostile files ---------------------------------------------

TEST(LoaderGuards, AnchorsAndAliasesAreRefused) {
  EXPECT_EQ(first_error(std::string(kHead) + "points:\n  earn:\n    - &base {name: base, per_amount: 1000}\n"),
            "6:7: anchors and aliases are not allowed in rule files (write each value out)");
  EXPECT_EQ(first_error(std::string(kHead) + "x: &a 1\n"),
            "4:4: anchors and aliases are not allowed in rule files (write each value out)");
  // The billion laughs: nine lines that would expand to 10^9 values.
  std::string bomb = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (char c = 'b'; c <= 'i'; ++c) {
    std::string prev(1, static_cast<char>(c - 1));
    bomb += std::string(1, c) + ": &" + c + " [*" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev +
            ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + "]\n";
  }
  EXPECT_EQ(first_error(bomb), "1:4: anchors and aliases are not allowed in rule files (write each value out)");
}

TEST(LoaderGuards, DeepNestingIsRefusedBeforeTheTreeIsBuilt) {
  std::string deep = std::string(kHead) + "points: " + std::string(100000, '[') + std::string(100000, ']') + "\n";
  EXPECT_EQ(first_error(deep), "4:40: lists and mappings are nested deeper than 32 levels");
  std::string ok = std::string(kHead) + "x: " + std::string(30, '[') + std::string(30, ']') + "\n";
  EXPECT_NE(first_error(ok).find("unknown key 'x'"), std::string::npos);  // 31 levels pass the guard
}

TEST(LoaderGuards, OneDocumentPerFile) {
  EXPECT_EQ(first_error(std::string(kHead) + "---\nversion: 1\n"),
            "4:1: a rule file holds one YAML document; remove this '---' and what follows");
}

TEST(LoaderGuards, SizeAndValueCount) {
  std::string big = std::string(kHead) + "# " + std::string((1 << 20) - std::string(kHead).size() - 3, 'x') + "\n";
  ASSERT_EQ(big.size(), std::size_t{1} << 20);
  EXPECT_EQ(first_error(big), "no error");  // exactly 1 MiB is allowed
  big += "\n";
  EXPECT_EQ(first_error(big), "0:0: file is larger than 1 MiB (1048576 bytes)");
  std::string many = std::string(kHead) + "x: [";
  for (int i = 0; i < 100'001; ++i) many += "1,";
  many += "1]\n";
  EXPECT_NE(first_error(many).find("a rule file holds at most 100000 values"), std::string::npos);
}

TEST(LoaderGuards, NumbersOverflowingInt64AreErrors) {
  EXPECT_EQ(first_error(earn("{name: b, per_amount: 9223372036854775808}")),
            "6:29: points.earn[0].per_amount is too large (at most 1000000000)");
  EXPECT_EQ(first_error(earn("{name: b, per_amount: -9223372036854775809}")),
            "6:29: points.earn[0].per_amount is too large (at most 1000000000)");
}

// --- whole files ------------------------------------------------------------------

TEST(LoaderFiles, TheContractExampleLoadsWhole) {
  // tests/fuzz/rules_corpus/contract-example.yaml is
  // the contract's example rule file as given, unchanged.
  auto rs = load_rule_file(std::string(SETIA_SOURCE_DIR) + "/tests/fuzz/rules_corpus/contract-example.yaml");
  ASSERT_TRUE(rs) << rs.error()[0].to_string();
  EXPECT_EQ(rs->points.earn.size(), 3u);
  EXPECT_EQ(rs->rewards.size(), 1u);
  EXPECT_EQ(rs->promos.size(), 1u);
  EXPECT_TRUE(rs->birthday);
  EXPECT_TRUE(rs->reservations);
  EXPECT_EQ(rs->points.expiry_after_days, 365);
}

TEST(LoaderFiles, AFileThatCannotBeReadIsAnError) {
  auto rs = load_rule_file("/nonexistent/rules.yaml");
  ASSERT_FALSE(rs);
  EXPECT_EQ(rs.error()[0].to_string(), "/nonexistent/rules.yaml: cannot read the file");
}

}  // namespace
}  // namespace setia::rules
