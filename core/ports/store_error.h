#pragma once

#include <string>

namespace setia::core {

// Why a port's store (PostgreSQL, for setiad) could not answer: `transient` (connection lost, server
// shutting down, serialization failure: try again, the event is not
// committed) or `permanent` (this event can never be stored as it is).
struct StoreError {
  enum class Kind { transient, permanent };
  Kind kind;
  std::string message;
};

}  // namespace setia::core
