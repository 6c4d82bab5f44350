#include "core/scheduler/store_rules.h"

#include <algorithm>
#include <set>

namespace setia::core {

std::vector<StoreRules> stores_under(const rules::RuleBook& book, const std::vector<std::string>& other_stores) {
  std::vector<StoreRules> out;
  for (const auto& [store, rs] : book.by_store) {
    if (store != "*" && rs) out.push_back({store, rs});
  }
  if (book.fallback) {
    std::set<std::string> seen;
    for (const auto& store : other_stores) {
      if (store == "*" || book.by_store.contains(store) || !seen.insert(store).second) continue;
      out.push_back({store, book.fallback});
    }
  }
  std::sort(out.begin(), out.end(), [](const StoreRules& a, const StoreRules& b) { return a.store < b.store; });
  return out;
}

}  // namespace setia::core
