#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/domain/money.h"

namespace setia::rules {

// What an earn rule counts its rate on.
enum class Basis { total, subtotal };

// "Rp {per_amount} spent = {points} points", on the basis amount less the
// lines of excluded categories.
struct EarnRule {
  std::string name;
  domain::Money per_amount = 1000;
  domain::Points points = 1;
  Basis basis = Basis::total;
  std::vector<std::string> exclude_categories;
};

struct PointsRules {
  std::vector<EarnRule> earn;
  std::optional<domain::Points> max_per_sale;
  std::optional<int> expiry_after_days;  // earned lots expire this many days later
};

struct EnotaRules {
  std::vector<std::string> header;
  std::vector<std::string> footer;
  int width = 32;
};

// One store's rule file, parsed and valid. Immutable once loaded.
struct RuleSet {
  std::string file;       // where it came from, for messages
  std::string store;      // a store id, or "*" for the default
  std::string timezone;   // IANA name, e.g. Asia/Jakarta
  std::string currency;   // ISO 4217, IDR
  PointsRules points;
  EnotaRules enota;
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
