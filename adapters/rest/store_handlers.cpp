// What anyone may read of a store before logging in: how its member app
// looks and installs (docs/member-app.md). The app at /app/ reads it on its
// first screen, so it needs no token.
#include "adapters/rest/http_errors.h"
#include "adapters/rest/json_body.h"
#include "adapters/rest/rest_api.h"
#include "core/domain/store_id.h"
#include "core/support/utf8.h"
#include "rules/branding.h"

namespace setia::adapters::rest {
namespace {

using nlohmann::json;

// A store is what a rule file serves (its own, or the default): the same
// stores the POS topics and registrations reach.
const rules::RuleSet& served_store(Call& call, const std::string& store) {
  const rules::RuleSet* rs = domain::is_valid_store_id(store) ? call.store_rules(store) : nullptr;
  if (!rs) throw not_found("no store '" + store + "': no rule file serves it");
  return *rs;
}

// The rule file may change at a reload: a browser keeps these a few
// minutes, then asks again.
Response cached_a_while(Response res) {
  res.headers.emplace_back("Cache-Control", "public, max-age=300");
  return res;
}

Response store_branding(Call& call) {
  const auto& store = call.param("store");
  const auto& b = served_store(call, store).branding;
  auto res = json_response({{"store", store},
                            {"name", b.name.empty() ? store : b.name},
                            {"logo", b.logo.empty() ? json(nullptr) : json(b.logo)},
                            {"primary", b.primary},
                            {"accent", b.accent}});
  return cached_a_while(std::move(res));
}

// The web app manifest of one café's app (the page links it once it knows
// its store): installed, the app carries the café's name, colour and icon,
// and starts at its store. Its id is per store, so two cafés' apps on one
// phone are two apps. The logo is the icon when its size is known; under
// 192 px a side, Setia's icons of adapters/web/app/manifest.webmanifest come
// after it for the phones that need a bigger one; from 192 px, alone (a
// maskable icon of Setia's would be chosen over it).
Response store_manifest(Call& call) {
  const auto& store = call.param("store");
  const auto& b = served_store(call, store).branding;
  const std::string name = b.name.empty() ? store : b.name;
  const std::string start = "/app/?store=" + store;
  json icons = json::array();
  auto logo = b.logo.empty() ? std::nullopt : rules::decode_logo(b.logo);
  if (logo && logo->width > 0) {
    icons.push_back({{"src", "/v1/stores/" + store + "/logo"},
                     {"sizes", std::to_string(logo->width) + "x" + std::to_string(logo->height)},
                     {"type", logo->media_type}});
  }
  if (!logo || logo->width < 192 || logo->height < 192) {
    icons.push_back({{"src", "/app/icons/icon-192.png"}, {"sizes", "192x192"}, {"type", "image/png"}});
    icons.push_back({{"src", "/app/icons/icon-512.png"}, {"sizes", "512x512"}, {"type", "image/png"}});
    icons.push_back(
        {{"src", "/app/icons/maskable-512.png"}, {"sizes", "512x512"}, {"type", "image/png"}, {"purpose", "maskable"}});
  }
  Response res = json_response({{"id", start},
                                {"name", name},
                                {"short_name", name.substr(0, utf8::prefix_bytes(name, 12))},
                                {"description", "Kartu member, poin, promo, voucher dan reservasi " + name},
                                {"lang", "id"},
                                {"start_url", start},
                                {"scope", "/app/"},
                                {"display", "standalone"},
                                {"background_color", "#f6f2ef"},
                                {"theme_color", b.primary},
                                {"icons", icons}});
  res.content_type = "application/manifest+json";
  return cached_a_while(std::move(res));
}

// The logo as an image, for the manifest's icon; 404 when the café has none.
Response store_logo(Call& call) {
  const auto& store = call.param("store");
  const auto& b = served_store(call, store).branding;
  auto logo = b.logo.empty() ? std::nullopt : rules::decode_logo(b.logo);
  if (!logo) throw not_found("store '" + store + "' has no logo (branding.logo of its rule file)");
  return cached_a_while(Response{.content_type = logo->media_type, .body = std::move(logo->bytes)});
}

}  // namespace

void add_store_routes(Router& r) {
  r.add("GET", "/v1/stores/{store}/branding", Access::open, store_branding);
  r.add("GET", "/v1/stores/{store}/manifest.webmanifest", Access::open, store_manifest);
  r.add("GET", "/v1/stores/{store}/logo", Access::open, store_logo);
}

}  // namespace setia::adapters::rest
