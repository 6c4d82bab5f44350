#pragma once

#include <string>

#include "core/ports/notifier.h"
#include "core/ports/outbox_store.h"

namespace setia::core {

// The push a member sees for one outbox item, in their language (id or en).
// The stable id (the notification's) becomes the collapse key / tag.
PushMessage render_push(const OutboxItem& item);

}  // namespace setia::core
