#pragma once

#include <optional>
#include <string>

namespace setia::adapters::rest {

struct Call;

// The store an admin request is about. A store admin: their store (naming
// another in ?store= is 403). An admin of every store: ?store= when given;
// without it none (every store), or a 400 when the path needs one store.
std::optional<std::string> admin_store(const Call& call, bool required);

// Who did it, for audits: "admin:<id> <login>" (a person), "apikey:<id>
// <name>" or "admin-token:<id>" (setiactl admin token create), and the
// store it is for.
std::string admin_actor(const Call& call);

}  // namespace setia::adapters::rest
