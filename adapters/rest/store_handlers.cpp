// What anyone may read of a store before logging in: how its member app
// looks (docs/member-app.md). The app at /app/ reads it on its first
// screen, so it needs no token.
#include "adapters/rest/http_errors.h"
#include "adapters/rest/json_body.h"
#include "adapters/rest/rest_api.h"
#include "core/domain/store_id.h"

namespace setia::adapters::rest {
namespace {

using nlohmann::json;

Response store_branding(Call& call) {
  const auto& store = call.param("store");
  // A store is what a rule file serves (its own, or the default): the
  // same stores the POS topics and registrations reach.
  const rules::RuleSet* rs = domain::is_valid_store_id(store) ? call.store_rules(store) : nullptr;
  if (!rs) throw not_found("no store '" + store + "': no rule file serves it");
  const auto& b = rs->branding;
  auto res = json_response({{"store", store},
                            {"name", b.name.empty() ? store : b.name},
                            {"logo", b.logo.empty() ? json(nullptr) : json(b.logo)},
                            {"primary", b.primary},
                            {"accent", b.accent}});
  // The rule file may change at a reload: a browser keeps it a few
  // minutes, then asks again.
  res.headers.emplace_back("Cache-Control", "public, max-age=300");
  return res;
}

}  // namespace

void add_store_routes(Router& r) { r.add("GET", "/v1/stores/{store}/branding", Access::open, store_branding); }

}  // namespace setia::adapters::rest
