#include "adapters/rest/admin_scope.h"

#include "adapters/rest/http_errors.h"
#include "adapters/rest/rest_api.h"
#include "core/domain/store_id.h"

namespace setia::adapters::rest {

std::optional<std::string> admin_store(const Call& call, bool required) {
  const auto& who = call.who();
  auto it = call.query.find("store");
  std::optional<std::string> asked;
  if (it != call.query.end() && !it->second.empty()) {
    if (!domain::is_valid_store_id(it->second)) throw bad_request("store must match [a-z0-9][a-z0-9-]{0,62}");
    asked = it->second;
  }
  if (!who.all_stores) {
    if (asked && *asked != who.store_id) throw forbidden("this admin is of store " + who.store_id, "other_store");
    return who.store_id;
  }
  if (!asked && required) throw bad_request("this admin token is for every store: add ?store=");
  return asked;
}

std::string admin_actor(const Call& call) {
  const auto& who = call.who();
  const std::string where = who.all_stores ? " (all stores)" : " (" + who.store_id + ")";
  switch (who.kind) {
    case core::TokenKind::session: return "admin:" + std::to_string(who.admin_id) + " " + who.label + where;
    case core::TokenKind::apikey: return "apikey:" + std::to_string(who.token_id) + " " + who.label + where;
    case core::TokenKind::token: break;
  }
  return "admin-token:" + std::to_string(who.token_id) + where;
}

}  // namespace setia::adapters::rest
