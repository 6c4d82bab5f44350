#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rules/birthday.h"
#include "rules/enota_rules.h"
#include "rules/points_rules.h"
#include "rules/promos.h"
#include "rules/push_templates.h"
#include "rules/reservation_rules.h"
#include "rules/rewards.h"

namespace date {
class time_zone;
}

namespace setia::rules {

// One store's rule file, parsed and valid. Immutable once loaded.
struct RuleSet {
  std::string file;                       // where it came from, for messages
  std::string store;                      // a store id, or "*" for the default
  std::string timezone;                   // IANA name, e.g. Asia/Jakarta
  const date::time_zone* zone = nullptr;  // `timezone` in the tz database; nullptr: UTC
  std::string currency;                   // ISO 4217, IDR
  PointsRules points;
  std::vector<Reward> rewards;
  std::vector<Promo> promos;
  std::optional<Birthday> birthday;
  std::optional<Reservations> reservations;
  EnotaRules enota;
  PushTemplates notifications;  // the store's own push texts

  const Reward* reward(std::string_view id) const {
    for (const auto& r : rewards) {
      if (r.id == id) return &r;
    }
    return nullptr;
  }
  const Promo* promo(std::string_view id) const {
    for (const auto& p : promos) {
      if (p.id == id) return &p;
    }
    return nullptr;
  }
};

// Every rule file of the rules dir, and the version (a content hash) that
// ledger rows record so "why did I get these points?" has an answer.
struct RuleBook {
  std::map<std::string, std::shared_ptr<const RuleSet>, std::less<>> by_store;
  std::shared_ptr<const RuleSet> fallback;  // store: "*"
  std::string version;
  std::vector<std::string> files;

  // The store's own rules, else the default, else nullptr.
  const RuleSet* for_store(std::string_view store) const {
    if (auto it = by_store.find(store); it != by_store.end()) return it->second.get();
    return fallback.get();
  }
};

}  // namespace setia::rules
