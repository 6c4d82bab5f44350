// Promos and rewards of the member's store (core/services/promos.h,
// rewards.h): list, claim a promo's voucher, exchange points for a reward.
#include "adapters/rest/http_errors.h"
#include "adapters/rest/json_body.h"
#include "adapters/rest/rest_api.h"
#include "adapters/rest/views.h"

namespace setia::adapters::rest {
namespace {

using nlohmann::json;

json voucher_of(Call& call, const domain::Voucher& v) {
  // Read back as the voucher list shows it (times in the store's offset).
  auto row = call.backend.reads->voucher(call.who().store_id, call.who().member_id, v.code);
  if (!row) return {{"code", v.code}, {"title", v.title}};
  return voucher_json(call, *row);
}

Response list_promos(Call& call) {
  auto promos = unwrap(call.backend.promos->active_for_member(call.who().member_code));
  json items = json::array();
  for (const auto& p : promos) items.push_back(promo_json(p));
  // One store's running promos: a short list, never paginated.
  return json_response({{"items", items}, {"next_cursor", nullptr}});
}

Response claim_promo(Call& call) {
  auto v = unwrap(call.backend.promos->claim(call.who().member_code, call.param("id")));
  return json_response({{"voucher", voucher_of(call, v)}}, 201);
}

Response list_rewards(Call& call) {
  auto rewards = unwrap(call.backend.rewards->list(call.who().store_id));
  json items = json::array();
  for (const auto& r : rewards) items.push_back(reward_json(r));
  return json_response({{"items", items}, {"next_cursor", nullptr}});
}

Response redeem_reward(Call& call) {
  auto v = unwrap(call.backend.rewards->redeem(call.who().member_code, call.param("id")));
  auto points = unwrap(call.backend.points->summary(call.who().member_code));
  return json_response({{"voucher", voucher_of(call, v)}, {"points", points.balance}}, 201);
}

}  // namespace

void add_offer_routes(Router& r) {
  r.add("GET", "/v1/promos", Access::member, list_promos);
  r.add("POST", "/v1/promos/{id}/claim", Access::member, claim_promo);
  r.add("GET", "/v1/rewards", Access::member, list_rewards);
  r.add("POST", "/v1/rewards/{id}/redeem", Access::member, redeem_reward);
}

}  // namespace setia::adapters::rest
