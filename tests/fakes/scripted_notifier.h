#pragma once

// A Notifier that answers each send from a script and records them.

#include <deque>
#include <string>
#include <vector>
#include "core/ports/notifier.h"

namespace setia::core::fakes {

class ScriptedNotifier final : public Notifier {
 public:
  std::deque<DeliveryOutcome> script;  // then: delivered
  std::vector<PushMessage> sent;
  DeliveryOutcome send(const PushMessage& m) override {
    sent.push_back(m);
    if (script.empty()) return {};
    auto o = script.front();
    script.pop_front();
    return o;
  }
};

}  // namespace setia::core::fakes
