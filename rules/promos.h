#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/domain/voucher_terms.h"
#include "rules/civil_time.h"

namespace setia::rules {

struct RuleSet;

// Who may see and claim a promo.
struct Audience {
  enum class Kind { members, everyone, segment };
  Kind kind = Kind::members;
  std::string segment;  // for Kind::segment
  friend bool operator==(const Audience&, const Audience&) = default;
};

// A "TODAY PROMO": a voucher that members claim while it runs.
struct Promo {
  std::string id;
  std::string title;
  Audience audience;
  LocalDate from;                     // inclusive, store-local
  LocalDate until;                    // inclusive, store-local
  int per_member = 1;                 // claims per member
  std::optional<std::int64_t> total;  // claims in all; none: unlimited
  domain::VoucherTerms voucher;
  bool announce = false;  // push a notification to the audience when it starts
  int announce_at = 9 * 60;  // at this store-local time on its first day (or when it is first seen running)
};

// The promos running at `at_unix` (store-local date within from..until), in
// file order. The pointers live as long as `rules`.
std::vector<const Promo*> active_promos(const RuleSet& rules, std::int64_t at_unix);

}  // namespace setia::rules
