#pragma once

#include <string>
#include <utility>
#include <variant>

namespace setia::core {

// Why a port's store (PostgreSQL, for setiad) could not answer: `transient` (connection lost, server
// shutting down, serialization failure: try again, the event is not
// committed) or `permanent` (this event can never be stored as it is).
struct StoreError {
  enum class Kind { transient, permanent };
  Kind kind;
  std::string message;
};

// Why a write the store may refuse did not happen: the store could not
// answer (a StoreError), or it answered no for a reason of the domain (a
// `Refusal`, e.g. a code already taken). One error per call, so that a
// caller tests the result once and then asks which of the two it was.
template <class Refusal>
struct WriteFailure {
  // Implicit, so that `return std::unexpected(...)` takes either as it is.
  WriteFailure(StoreError e) : what(std::move(e)) {}
  WriteFailure(Refusal r) : what(r) {}

  // The store's error, or null when the store refused.
  const StoreError* store_error() const { return std::get_if<StoreError>(&what); }
  // The refusal, or null when the store could not answer.
  const Refusal* refusal() const { return std::get_if<Refusal>(&what); }

  std::variant<StoreError, Refusal> what;
};

}  // namespace setia::core
