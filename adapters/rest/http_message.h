#pragma once

#include <string>
#include <utility>
#include <vector>

namespace setia::adapters::rest {

// A request as the handlers see it: Beast's message reduced to what they
// use, so that routing and handlers do not depend on Beast.
struct Request {
  std::string method;   // GET, POST, ...
  std::string target;   // as sent: path and query
  std::string path;     // the target before '?', still percent-encoded
  std::string query;    // after '?', still percent-encoded
  std::string body;
  std::string authorization, content_type, host, forwarded_for;
  std::string origin;         // the Origin header a browser sends (cross-site checks)
  std::string if_none_match;  // a cached static file's ETag
  std::string client_address;  // the peer's IP
};

struct Response {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  bool close = false;  // close the connection after this response
};

}  // namespace setia::adapters::rest
