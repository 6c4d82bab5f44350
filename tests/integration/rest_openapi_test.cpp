// docs/openapi.yaml against the server: every route of the router is
// documented and every documented operation is routed (the route table,
// in-process), and every documented operation, called over HTTP with its
// examples and the token its security names, answers a status it
// documents.
#include <set>

#include "adapters/rest/rest_api.h"
#include "openapi_support.h"
#include "rest_fixture.h"

namespace setia::it {
namespace {

using nlohmann::json;

TEST(RestOpenApiRoutes, EveryRouteIsDocumentedAndEveryDocumentedOperationIsRouted) {
  auto doc = openapi();
  EXPECT_EQ(doc["openapi"].as<std::string>().substr(0, 2), "3.");
  std::set<std::string> documented;
  for (const auto& o : openapi_operations(doc)) documented.insert(o.key());
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
  for (const auto& o : openapi_operations(doc)) {
    // The path, query and body from the examples.
    auto req = example_request(doc, o);
    // The token the security names: a fresh member for the logouts (they
    // end the token), the store's admin, or none.
    std::string token;
    if (auto sec = o.op["security"]; sec && sec.size() > 0) {
      if (sec[0]["adminToken"]) token = admin;
      if (sec[0]["memberToken"]) token = o.path.starts_with("/v1/auth/") ? register_member("Out").token : member.token;
    }
    auto r = http().request(o.method, req.target(), req.body_text(), token, {{"Content-Type", "application/json"}});
    std::string status = std::to_string(r.status);
    EXPECT_TRUE(o.op["responses"][status]) << o.method << " " << req.target() << " answered " << r.status
                                           << ", which docs/openapi.yaml does not list: " << r.body;
    // And an error is in the documented shape.
    if (r.status >= 400) {
      auto j = r.json();
      EXPECT_TRUE(j.contains("error") && j["error"].contains("code") && j["error"].contains("message"))
          << o.method << " " << req.target() << ": " << r.body;
    }
    ++checked;
  }
  EXPECT_GE(checked, 30);
}

}  // namespace
}  // namespace setia::it
