#include "adapters/rest/beast_request.h"

namespace setia::adapters::rest {

namespace http = boost::beast::http;

Request to_request(const http::request<http::string_body>& m, const std::string& client) {
  Request r;
  r.method = std::string(m.method_string());
  r.target = std::string(m.target());
  auto q = r.target.find('?');
  r.path = r.target.substr(0, q);
  if (q != std::string::npos) r.query = r.target.substr(q + 1);
  r.body = m.body();
  r.authorization = std::string(m[http::field::authorization]);
  r.content_type = std::string(m[http::field::content_type]);
  r.host = std::string(m[http::field::host]);
  r.forwarded_for = std::string(m["X-Forwarded-For"]);
  r.origin = std::string(m[http::field::origin]);
  r.if_none_match = std::string(m[http::field::if_none_match]);
  r.client_address = client;
  return r;
}

}  // namespace setia::adapters::rest
