#pragma once

#include <string>

#include "core/ports/notifier.h"
#include "core/ports/outbox_store.h"
#include "rules/rule_set.h"

namespace setia::core {

// What a push is rendered with besides its outbox item.
struct PushContext {
  std::string public_url;                  // base of links (rest.public_url); empty: no link
  const rules::RuleSet* rules = nullptr;   // the item's store's rules: its own push texts
};

// The push a member sees for one outbox item, in their language (id or en):
// the store's template for its kind when the rule file has one, else
// Setia's text. The stable id (the notification's) becomes the collapse key
// / tag.
PushMessage render_push(const OutboxItem& item, const PushContext& context = {});

}  // namespace setia::core
