// POST /v1/auth/register, POST /v1/auth/login, DELETE /v1/auth/token (and
// its alias POST /v1/auth/logout).
#include "adapters/rest/http_errors.h"
#include "adapters/rest/json_body.h"
#include "adapters/rest/rest_api.h"
#include "adapters/rest/views.h"
#include "core/support/log.h"

namespace setia::adapters::rest {
namespace {

using nlohmann::json;

json session_json(const Call& call, const core::Session& s) {
  return {{"token", s.token},
          {"token_type", "Bearer"},
          {"expires_at", call.time(s.expires_at, s.profile.member.store_id)},
          {"member", profile_json(call, s.profile)}};
}

Response register_member(Call& call) {
  JsonBody body(call.request);
  body.only({"store", "name", "email", "phone", "birth_date", "password", "promo_pushes"});
  core::Registration r;
  r.store_id = *body.string("store", true, 63);
  r.name = *body.string("name", true, 100);
  r.phone = *body.string("phone", true, 20);
  r.email = body.string("email", false, 254);
  r.birth_date = body.string("birth_date", false, 10);
  r.password = *body.string("password", true, 1024);
  // Marketing is opt-in: off unless the form asked and the member said
  // yes; asked either way, the answer is recorded (docs/privacy.md).
  auto promo_pushes = body.boolean("promo_pushes", false);
  auto s = unwrap(call.backend.auth->register_member(r, call.client_address()));
  if (promo_pushes) {
    // The member exists now: a consent that cannot be recorded leaves
    // promo pushes off (what the answer says), never the registration undone.
    const auto& m = s.profile.member;
    auto recorded = call.backend.consents->record(m.store_id, m.id, {{"push_promo", *promo_pushes}},
                                                  {.source = "registration",
                                                   .address = call.client_address(),
                                                   .actor = std::nullopt,
                                                   .notice = std::nullopt,
                                                   .note = std::nullopt});
    if (recorded) {
      s.profile.promo_pushes = recorded->channels.front().granted;
    } else {
      log::get("rest")->warn("member {}: the consent given at registration was not recorded: {}", m.code,
                             recorded.error().message);
    }
  }
  return json_response(session_json(call, s), 201);
}

Response login(Call& call) {
  JsonBody body(call.request);
  body.only({"login", "password", "store"});
  auto login = *body.string("login", true, 254);
  auto password = *body.string("password", true, 1024);
  auto store = body.string("store", false, 63);
  auto s = unwrap(call.backend.auth->login(login, password, store, call.client_address()));
  return json_response(session_json(call, s));
}

Response logout(Call& call) {
  // The token that authenticated this request is the one dropped.
  std::string token = call.request.authorization.substr(7);
  auto b = token.find_first_not_of(' ');
  token = b == std::string::npos ? "" : token.substr(b);
  while (!token.empty() && (token.back() == ' ' || token.back() == '\t')) token.pop_back();
  unwrap(call.backend.auth->logout(token));
  return Response{204, "application/json", "", {}, false};
}

}  // namespace

void add_auth_routes(Router& r) {
  r.add("POST", "/v1/auth/register", Access::open, register_member);
  r.add("POST", "/v1/auth/login", Access::open, login);
  r.add("DELETE", "/v1/auth/token", Access::token, logout);
  r.add("POST", "/v1/auth/logout", Access::token, logout);
}

}  // namespace setia::adapters::rest
