#pragma once

// What must hold for any text given to the rule loader, written once for
// the two places that check it: the libFuzzer target
// (tests/fuzz/rules_loader_fuzz.cpp, which aborts on a violation so
// libFuzzer keeps the input) and the replay test
// (tests/unit/rules_fuzz_replay_test.cpp, which fails). No test framework
// here, so both can use it.

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/domain/sale.h"
#include "rules/birthday.h"
#include "rules/evaluator.h"
#include "rules/expiry.h"
#include "rules/loader.h"
#include "rules/promos.h"
#include "rules/push_templates.h"
#include "rules/reservation_rules.h"
#include "rules/reservation_slots.h"
#include "rules/rewards.h"
#include "rules/voucher_terms.h"
#include "tests/support/sales.h"

namespace setia::rules::fuzz {

struct RuleCheck {
  bool loaded = false;    // the text is a valid rule file
  std::string violation;  // the first invariant it broke; empty: none
};

// Whatever the text, the loader answers: either positioned errors for this
// file, or a rule set whose pure functions all answer sanely for a few
// sales (a Saturday afternoon, a weekday with a discount and tax, an empty
// basket years later).
inline RuleCheck check_rule_text(const std::string& text, const std::string& name) {
  RuleCheck out;
  auto broken = [&](std::string what) {
    out.violation = name + ": " + std::move(what);
    return out;
  };
  auto rs = load_rule_text(text, name);
  if (!rs) {
    if (rs.error().empty()) return broken("refused with no error");
    for (const auto& e : rs.error()) {
      if (e.file != name) return broken("an error names the file '" + e.file + "'");
      if (e.message.empty()) return broken("an error has no message");
      if (e.line < 0 || e.column < 0) return broken("an error has a negative position: " + e.to_string());
    }
    return out;
  }
  out.loaded = true;
  if (rs->store.empty()) return broken("loaded with no store");
  if (rs->zone == nullptr) return broken("loaded with no time zone");
  using setia::test::basket;
  using setia::test::line;
  const std::array sales = {
      basket(1590825600, {line("smoothies", 2, 25000), line("rokok", 1, 30000)}),  // 2020-05-30 15:00 WIB
      basket(1590552660, {line("food", 4, 13000, "NC-01")}, 2000, 4000),            // 2020-05-27 11:11 WIB
      basket(1830272340, {}),                                                       // 2027-12-31 23:59 WIB
  };
  for (const auto& s : sales) {
    const std::string at = " (sale at " + std::to_string(s.occurred_at_unix) + ")";
    auto d = evaluate_points(*rs, s);
    if (d.points < 0) return broken("evaluate_points gave " + std::to_string(d.points) + " points" + at);
    if (d.points > rs->points.max_per_sale) {
      return broken("evaluate_points gave " + std::to_string(d.points) + " points, above max_per_sale " +
                    std::to_string(rs->points.max_per_sale) + at);
    }
    if (auto expiry = expiry_instant(*rs, s.occurred_at_unix); expiry && *expiry <= s.occurred_at_unix) {
      return broken("points expire at " + std::to_string(*expiry) + ", not after the sale" + at);
    }
    for (const auto& r : rs->rewards) {
      auto off = discount_for(r.voucher, s);
      if (off < 0 || off > s.subtotal) {
        return broken("reward '" + r.id + "' takes " + std::to_string(off) + " off a subtotal of " +
                      std::to_string(s.subtotal) + at);
      }
      (void)reward_available(*rs, r, s.occurred_at_unix);
    }
    for (const Promo* p : active_promos(*rs, s.occurred_at_unix)) {
      auto off = discount_for(p->voucher, s);
      if (off < 0 || off > s.subtotal) {
        return broken("promo '" + p->id + "' takes " + std::to_string(off) + " off a subtotal of " +
                      std::to_string(s.subtotal) + at);
      }
    }
  }
  if (rs->birthday) (void)birthday_message(*rs->birthday, "en", "Ocha");
  if (rs->reservations) {
    // Whatever the hours and sizes a file allows: every free slot of a
    // Sunday is one check_slot accepts, lies inside the day's hours, and
    // leaves room for the party next to a reservation holding 3 seats.
    const auto& r = *rs->reservations;
    const LocalDate day{2020, 5, 24};
    const std::int64_t now = 1590220800;  // 2020-05-23 08:00 UTC, the day before
    const std::vector<Booked> booked = {{1590300000, 1590300000 + 5400, 3}};
    // The largest party only: each slot costs a tz conversion, and the
    // fuzzer should spend its time on the loader.
    for (int party : {r.max_party}) {
      for (const auto& slot : free_slots(r, rs->zone, day, party, now, booked)) {
        auto again = check_slot(r, rs->zone, day, slot.minute, party, now);
        const auto hours = hours_on(r, day);
        if (!again || !hours || slot.minute < hours->start || slot.minute + r.stay_minutes > hours->end ||
            slot.free_seats < party || slot.free_seats > r.seats || slot.ends_at <= slot.starts_at) {
          return broken("reservations: free slot at minute " + std::to_string(slot.minute) + " for " +
                        std::to_string(party) + " is not a valid, roomy start");
        }
      }
    }
  }
  // The store's push texts: every placeholder a loaded template holds is
  // one its kind allows, so filling them all leaves no '{' behind.
  for (const auto& [kind, t] : rs->notifications.by_kind) {
    const auto& allowed = push_placeholders(kind);
    if (allowed.empty()) return broken("a template for kind '" + kind + "', which has none");
    for (const std::string* tpl : {&t.id, &t.en}) {
      if (unknown_placeholder(*tpl, allowed) != std::string::npos) {
        return broken("template " + kind + " loaded with an unknown placeholder: " + *tpl);
      }
      auto filled = fill_placeholders(*tpl, [](std::string_view) -> std::optional<std::string> { return ""; });
      if (filled.find('{') != std::string::npos) return broken("template " + kind + " left a '{' when filled: " + *tpl);
    }
  }
  return out;
}

}  // namespace setia::rules::fuzz
