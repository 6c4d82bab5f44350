// POST /v1/auth/register, POST /v1/auth/login, DELETE /v1/auth/token (and
// its alias POST /v1/auth/logout), POST /v1/auth/refresh, POST
// /v1/auth/logout-all, POST /v1/auth/recover (docs/rest-api-auth.md).
#include "adapters/rest/http_errors.h"
#include "adapters/rest/json_body.h"
#include "adapters/rest/rest_api.h"
#include "adapters/rest/views.h"
#include "core/support/log.h"

namespace setia::adapters::rest {
namespace {

using nlohmann::json;

json session_json(const Call& call, const core::Session& s) {
  json j = {{"token", s.token},
            {"token_type", "Bearer"},
            {"expires_at", call.time(s.expires_at, s.profile.member.store_id)},
            {"member", profile_json(call, s.profile)}};
  if (!s.refresh_token.empty()) {
    j["refresh_token"] = s.refresh_token;
    j["refresh_expires_at"] = call.time(s.refresh_expires_at, s.profile.member.store_id);
  }
  return j;
}

// "refresh": true asks for a short-lived token and a refresh token; without
// it a token as before (rest.token_ttl_days).
bool wants_refresh(const JsonBody& body) { return body.boolean("refresh", false).value_or(false); }

Response register_member(Call& call) {
  JsonBody body(call.request);
  body.only({"store", "name", "email", "phone", "birth_date", "password", "refresh", "promo_pushes"});
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
  auto s = unwrap(call.backend.auth->register_member(r, call.client_address(), wants_refresh(body)));
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
  body.only({"login", "password", "store", "refresh"});
  auto login = *body.string("login", true, 254);
  auto password = *body.string("password", true, 1024);
  auto store = body.string("store", false, 63);
  auto s = unwrap(call.backend.auth->login(login, password, store, call.client_address(), wants_refresh(body)));
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

Response refresh(Call& call) {
  JsonBody body(call.request);
  body.only({"refresh_token"});
  auto s = unwrap(call.backend.auth->refresh(*body.string("refresh_token", true, 64)));
  return json_response(session_json(call, s));
}

Response logout_everywhere(Call& call) {
  unwrap(call.backend.auth->logout_everywhere(call.who()));
  return Response{204, "application/json", "", {}, false};
}

Response recover(Call& call) {
  JsonBody body(call.request);
  body.only({"store", "phone", "code", "password", "refresh"});
  auto store = *body.string("store", true, 63);
  auto phone = *body.string("phone", true, 20);
  auto code = *body.string("code", true, 20);
  auto password = *body.string("password", true, 1024);
  auto s =
      unwrap(call.backend.recovery->redeem(store, phone, code, password, call.client_address(), wants_refresh(body)));
  return json_response(session_json(call, s));
}

}  // namespace

void add_auth_routes(Router& r) {
  r.add("POST", "/v1/auth/register", Access::open, register_member);
  r.add("POST", "/v1/auth/login", Access::open, login);
  r.add("DELETE", "/v1/auth/token", Access::token, logout);
  r.add("POST", "/v1/auth/logout", Access::token, logout);
  r.add("POST", "/v1/auth/refresh", Access::open, refresh);
  r.add("POST", "/v1/auth/logout-all", Access::member, logout_everywhere);
  r.add("POST", "/v1/auth/recover", Access::open, recover);
}

}  // namespace setia::adapters::rest
