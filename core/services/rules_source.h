#pragma once

#include <functional>
#include <memory>

#include "rules/registry.h"
#include "rules/rule_set.h"

namespace setia::core {

// The rule book in force, taken once per request so that a reload falls
// between two requests. The daemon passes its rules::Registry, the CLI a
// book it loaded, tests a book they built.
using RulesSource = std::function<std::shared_ptr<const rules::RuleBook>()>;

inline RulesSource rules_from(const rules::Registry& registry) {
  return [&registry] { return registry.current(); };
}

inline RulesSource rules_from(std::shared_ptr<const rules::RuleBook> book) {
  return [book = std::move(book)] { return book; };
}

}  // namespace setia::core
