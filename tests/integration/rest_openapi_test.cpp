// docs/openapi.yaml against the server: every route of the router is
// documented and every documented operation is routed (the route table,
// in-process), and every documented operation, called over HTTP with its
// examples and the token its security names, answers a status it
// documents.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <functional>
#include <set>

#include "adapters/rest/rest_api.h"
#include "rest_fixture.h"

namespace setia::it {
namespace {

using nlohmann::json;

YAML::Node openapi() { return YAML::LoadFile(std::string(SETIA_SOURCE_DIR) + "/docs/openapi.yaml"); }

const std::vector<std::string> kMethods{"get", "post", "put", "patch", "delete"};

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), ::toupper);
  return s;
}

// A $ref to components/parameters resolved.
YAML::Node resolve(const YAML::Node& doc, const YAML::Node& n) {
  if (!n["$ref"]) return n;
  auto ref = n["$ref"].as<std::string>();
  const std::string prefix = "#/components/parameters/";
  return doc["components"]["parameters"][ref.substr(prefix.size())];
}

TEST(RestOpenApiRoutes, EveryRouteIsDocumentedAndEveryDocumentedOperationIsRouted) {
  auto doc = openapi();
  EXPECT_EQ(doc["openapi"].as<std::string>().substr(0, 2), "3.");
  std::set<std::string> documented;
  for (const auto& p : doc["paths"]) {
    for (const auto& m : kMethods) {
      if (p.second[m]) documented.insert(upper(m) + " " + p.first.as<std::string>());
    }
  }
  adapters::rest::RestApi api({}, {});
  std::set<std::string> routed;
  for (const auto& r : api.router().routes()) routed.insert(r.method + " " + r.pattern);
  for (const auto& r : routed) EXPECT_TRUE(documented.contains(r)) << r << " is routed but not in docs/openapi.yaml";
  for (const auto& d : documented) EXPECT_TRUE(routed.contains(d)) << d << " is documented but not routed";
  EXPECT_GE(routed.size(), 30u);
}

class RestOpenApi : public RestTest {};

TEST_F(RestOpenApi, EveryDocumentedOperationAnswersADocumentedStatus) {
  auto doc = openapi();
  auto member = register_member("Spec");
  auto admin = admin_token(*daemon_, store_);
  int checked = 0;
  for (const auto& p : doc["paths"]) {
    const std::string tmpl = p.first.as<std::string>();
    for (const auto& m : kMethods) {
      auto op = p.second[m];
      if (!op) continue;
      // The path and query from the parameters' examples.
      std::string path = tmpl, query;
      for (const auto& raw : op["parameters"]) {
        auto prm = resolve(doc, raw);
        std::string name = prm["name"].as<std::string>(), in = prm["in"].as<std::string>();
        if (in == "path") {
          ASSERT_TRUE(prm["example"]) << tmpl << ": path parameter " << name << " needs an example";
          path.replace(path.find("{" + name + "}"), name.size() + 2, prm["example"].as<std::string>());
        } else if (in == "query" && prm["required"] && prm["required"].as<bool>()) {
          ASSERT_TRUE(prm["example"]) << tmpl << ": required query parameter " << name << " needs an example";
          query += (query.empty() ? "?" : "&") + name + "=" + prm["example"].as<std::string>();
        }
      }
      std::string body;
      if (auto rb = op["requestBody"]) {
        auto ex = rb["content"]["application/json"]["example"];
        ASSERT_TRUE(ex) << upper(m) << " " << tmpl << ": the request body needs an example";
        // YAML to JSON through the emitter's flow style is not JSON; build it.
        std::function<json(const YAML::Node&)> to_json = [&](const YAML::Node& n) -> json {
          if (n.IsMap()) {
            json o = json::object();
            for (const auto& kv : n) o[kv.first.as<std::string>()] = to_json(kv.second);
            return o;
          }
          if (n.IsSequence()) {
            json a = json::array();
            for (const auto& v : n) a.push_back(to_json(v));
            return a;
          }
          long long i = 0;
          if (YAML::convert<long long>::decode(n, i)) return i;
          return n.as<std::string>();
        };
        body = to_json(ex).dump();
      } else if (m == "post") {
        body = "{}";
      }
      // The token the security names: a fresh member for the logouts (they
      // end the token), the store's admin, or none.
      std::string token;
      if (auto sec = op["security"]; sec && sec.size() > 0) {
        if (sec[0]["adminToken"]) token = admin;
        if (sec[0]["memberToken"]) token = tmpl.starts_with("/v1/auth/") ? register_member("Out").token : member.token;
      }
      auto r = http().request(upper(m), path + query, body, token, {{"Content-Type", "application/json"}});
      std::string status = std::to_string(r.status);
      EXPECT_TRUE(op["responses"][status]) << upper(m) << " " << path + query << " answered " << r.status
                                           << ", which docs/openapi.yaml does not list: " << r.body;
      // And an error is in the documented shape.
      if (r.status >= 400) {
        auto j = r.json();
        EXPECT_TRUE(j.contains("error") && j["error"].contains("code") && j["error"].contains("message"))
            << upper(m) << " " << path << ": " << r.body;
      }
      ++checked;
    }
  }
  EXPECT_GE(checked, 30);
}

}  // namespace
}  // namespace setia::it
