#pragma once

#include <memory>
#include <string>
#include <vector>

#include "rules/rule_set.h"

namespace setia::core {

// A store and the rule set that applies to it (its own file, or "*").
struct StoreRules {
  std::string store;
  std::shared_ptr<const rules::RuleSet> rules;
};

// Pure. Every store of `book` with a file of its own, and each of
// `other_stores` (stores without one, e.g. those that have members) under
// the default file "*" when there is one; sorted by store, each once. The
// scheduled jobs walk the stores this way.
std::vector<StoreRules> stores_under(const rules::RuleBook& book, const std::vector<std::string>& other_stores);

}  // namespace setia::core
