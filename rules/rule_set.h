#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rules/birthday.h"
#include "rules/branding.h"
#include "rules/enota_rules.h"
#include "rules/load_error.h"
#include "rules/points_rules.h"
#include "rules/promos.h"
#include "rules/push_templates.h"
#include "rules/reservation_rules.h"
#include "rules/rewards.h"
#include "rules/sale_limits.h"

namespace date {
class time_zone;
}

namespace setia::rules {

// One store's rule file, parsed and valid. Immutable once loaded.
struct RuleSet {
  std::string file;                       // where it came from, for messages
  std::string source;                     // the file's text, of which the book's version is a hash
  std::string store;                      // a store id, or "*" for the default
  // A version saved in PostgreSQL (docs/rules.md, "Rule versions") that
  // rules the store in place of its file; 0: the file in rules.dir.
  int stored_version = 0;
  std::int64_t stored_at = 0;  // unix seconds, when it was saved
  std::string timezone;                   // IANA name, e.g. Asia/Jakarta
  const date::time_zone* zone = nullptr;  // `timezone` in the tz database; nullptr: UTC
  std::string currency;                   // ISO 4217, IDR
  PointsRules points;
  SaleLimits sales;  // what a till may claim of a sale
  std::vector<Reward> rewards;
  std::vector<Promo> promos;
  std::optional<Birthday> birthday;
  std::optional<Reservations> reservations;
  EnotaRules enota;
  PushTemplates notifications;  // the store's own push texts
  Branding branding;            // how its member app looks

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
  // Stores ("*" for the default) whose file is broken, with its errors:
  // each keeps the rules it had before in by_store or fallback, if any.
  std::map<std::string, LoadErrors, std::less<>> broken;
  // Broken files whose store could not be told (no readable `store:`).
  LoadErrors unattributed;

  // The store's own rules, else the default, else nullptr. nullptr too for
  // a store whose own file is broken and was never loaded: the default's
  // rules are no stand-in for what the store meant.
  const RuleSet* for_store(std::string_view store) const {
    if (auto it = by_store.find(store); it != by_store.end()) return it->second.get();
    if (broken.contains(store)) return nullptr;
    return fallback.get();
  }
  // The store's IANA zone name, "UTC" without rules or a zone: the zone
  // its reports count days in (core/services/reports.h) and its rollups
  // are rolled in (core/scheduler/report_rollup_job.h).
  std::string timezone_of(std::string_view store) const {
    const RuleSet* rs = for_store(store);
    return rs && !rs->timezone.empty() ? rs->timezone : "UTC";
  }
  // The errors of the broken file that leaves this store without rules (its
  // own, or without one the default's, never loaded); nullptr when the
  // store has rules or was never meant to have any.
  const LoadErrors* unavailable_because(std::string_view store) const {
    if (for_store(store)) return nullptr;
    if (auto it = broken.find(store); it != broken.end()) return &it->second;
    if (auto it = broken.find(std::string_view("*")); it != broken.end()) return &it->second;
    return nullptr;
  }
  bool unavailable(std::string_view store) const { return unavailable_because(store) != nullptr; }
  // Every error of the last load, broken stores' and unattributed files'.
  LoadErrors errors() const {
    LoadErrors all = unattributed;
    for (const auto& [store, errs] : broken) all.insert(all.end(), errs.begin(), errs.end());
    return all;
  }
};

// "x (kept its rules), y (unavailable), 1 file of no readable store": for
// logs, /healthz and setiactl.
inline std::string broken_stores_text(const RuleBook& book) {
  std::string out;
  for (const auto& [store, errors] : book.broken) {
    if (!out.empty()) out += ", ";
    out += store + (book.unavailable(store) ? " (unavailable)" : " (kept its rules)");
  }
  if (!book.unattributed.empty()) {
    if (!out.empty()) out += ", ";
    out += std::to_string(book.unattributed.size()) + " error(s) in files of no readable store";
  }
  return out;
}

}  // namespace setia::rules
