// The admins' own accounts (docs/admin-accounts.md): POST /v1/admin/login,
// GET and PATCH /v1/admin/me; an owner's (or an operator's) admins and API
// keys: /v1/admin/admins and /v1/admin/apikeys. An admin logs out with
// DELETE /v1/auth/token, as a member does.
#include "adapters/rest/admin_scope.h"
#include "adapters/rest/http_errors.h"
#include "adapters/rest/json_body.h"
#include "adapters/rest/rest_api.h"

namespace setia::adapters::rest {
namespace {

using nlohmann::json;

json admin_json(const Call& call, const core::AdminAccount& a) {
  const std::string store = a.store_id.value_or("");
  json j = {{"id", a.id},
            {"store", a.store_id ? json(*a.store_id) : json(nullptr)},
            {"login", a.login},
            {"name", a.name},
            {"role", core::admin_role_name(a.role)},
            {"points_limit", a.points_limit ? json(*a.points_limit) : json(nullptr)},
            {"disabled", a.disabled_at.has_value()},
            {"created_at", call.time(a.created_at, store)},
            {"created_by", a.created_by}};
  if (a.disabled_at) j["disabled_at"] = call.time(*a.disabled_at, store);
  return j;
}

json key_json(const Call& call, const core::ApiKeyRow& k) {
  const std::string store = k.store_id.value_or("");
  return {{"id", k.id},
          {"store", k.store_id ? json(*k.store_id) : json(nullptr)},
          {"name", k.name},
          {"role", core::admin_role_name(k.role)},
          {"created_at", call.time(k.created_at, store)},
          {"expires_at", call.time(k.expires_at, store)},
          {"created_by", k.created_by}};
}

// null: clear the limit (no adjustments); absent: unset.
std::optional<std::optional<long long>> points_limit_of(const JsonBody& body) {
  if (!body.has("points_limit")) return std::nullopt;
  if (body.json()["points_limit"].is_null()) return std::optional<long long>{};
  return std::optional<long long>(*body.integer("points_limit", true, 0, 1'000'000'000));
}

std::optional<std::string> store_query(const Call& call) {
  auto it = call.query.find("store");
  if (it == call.query.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

Response login(Call& call) {
  JsonBody body(call.request);
  body.only({"login", "password"});
  auto login = *body.string("login", true, 254);
  auto password = *body.string("password", true, 1024);
  auto s = unwrap(call.backend.admins->login(login, password, call.client_address()));
  return json_response({{"token", s.token},
                        {"token_type", "Bearer"},
                        {"expires_at", call.time(s.expires_at, s.account.store_id.value_or(""))},
                        {"admin", admin_json(call, s.account)}});
}

Response me(Call& call) {
  const auto& who = call.who();
  json j = {{"kind", who.kind == core::TokenKind::session  ? "session"
                     : who.kind == core::TokenKind::apikey ? "apikey"
                                                           : "token"},
            {"role", core::admin_role_name(who.admin_role)},
            {"store", who.all_stores ? json(nullptr) : json(who.store_id)},
            {"points_limit", who.points_limit ? json(*who.points_limit) : json(nullptr)},
            {"actor", admin_actor(call)}};
  if (who.kind == core::TokenKind::session) {
    j["admin_id"] = who.admin_id;
    j["login"] = who.label;
  }
  return json_response(j);
}

Response change_own_password(Call& call) {
  JsonBody body(call.request);
  body.only({"current_password", "password"});
  auto current = *body.string("current_password", true, 1024);
  auto fresh = *body.string("password", true, 1024);
  unwrap(call.backend.admins->change_own_password(call.who(), current, fresh, call.client_address()));
  return Response{204, "application/json", "", {}, false};
}

Response list_admins(Call& call) {
  auto rows = unwrap(call.backend.admins->list(call.who(), store_query(call)));
  json items = json::array();
  for (const auto& a : rows) items.push_back(admin_json(call, a));
  return json_response({{"items", items}});
}

Response add_admin(Call& call) {
  JsonBody body(call.request);
  body.only({"store", "login", "name", "role", "password", "points_limit"});
  core::AdminRequest r;
  r.store_id = body.string("store", false, 63);
  if (!r.store_id) r.store_id = store_query(call);
  r.login = *body.string("login", true, 254);
  r.name = *body.string("name", true, 200);
  r.role = *body.string("role", true, 16);
  r.password = *body.string("password", true, 1024);
  if (auto limit = points_limit_of(body)) r.points_limit = *limit;
  auto a = unwrap(call.backend.admins->add(call.who(), r, admin_actor(call)));
  return json_response(admin_json(call, a), 201);
}

Response patch_admin(Call& call) {
  JsonBody body(call.request);
  body.only({"disabled", "points_limit", "password"}, {"id", "login", "role", "store", "created_at"});
  core::AdminPatch p;
  p.disabled = body.boolean("disabled", false);
  p.points_limit = points_limit_of(body);
  p.password = body.string("password", false, 1024);
  auto a = unwrap(call.backend.admins->change(call.who(), path_id(call, "id", "admin"), p));
  return json_response(admin_json(call, a));
}

Response list_keys(Call& call) {
  auto rows = unwrap(call.backend.admins->keys(call.who(), store_query(call)));
  json items = json::array();
  for (const auto& k : rows) items.push_back(key_json(call, k));
  return json_response({{"items", items}});
}

Response create_key(Call& call) {
  JsonBody body(call.request);
  body.only({"store", "name", "role", "days"});
  core::ApiKeyRequest r;
  r.store_id = body.string("store", false, 63);
  if (!r.store_id) r.store_id = store_query(call);
  r.name = *body.string("name", true, 100);
  r.role = body.string("role", false, 16).value_or("staff");
  r.days = static_cast<int>(body.integer("days", false, 1, 90).value_or(90));
  auto k = unwrap(call.backend.admins->create_key(call.who(), r, admin_actor(call)));
  json j = key_json(call, k.row);
  j["key"] = k.key;  // shown this once: only its digest is kept
  return json_response(j, 201);
}

Response revoke_key(Call& call) {
  unwrap(call.backend.admins->revoke_key(call.who(), path_id(call, "id", "API key")));
  return Response{204, "application/json", "", {}, false};
}

}  // namespace

void add_admin_account_routes(Router& r) {
  r.add("POST", "/v1/admin/login", Access::open, login);
  r.add("GET", "/v1/admin/me", Access::admin, me);
  r.add("PATCH", "/v1/admin/me", Access::admin, change_own_password);
  r.add("GET", "/v1/admin/admins", Access::owner, list_admins);
  r.add("POST", "/v1/admin/admins", Access::owner, add_admin);
  r.add("PATCH", "/v1/admin/admins/{id}", Access::owner, patch_admin);
  r.add("GET", "/v1/admin/apikeys", Access::owner, list_keys);
  r.add("POST", "/v1/admin/apikeys", Access::owner, create_key);
  r.add("DELETE", "/v1/admin/apikeys/{id}", Access::owner, revoke_key);
}

}  // namespace setia::adapters::rest
