#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "adapters/rest/http_message.h"

namespace setia::adapters::rest {

struct Call;

// Who may call a route: anyone, a member token, any admin (staff too), an
// owner or operator (docs/admin-accounts.md), any valid token, or the
// operations endpoints (no token, possibly on their own listener).
enum class Access { open, member, admin, owner, token, ops };

using Handler = std::function<Response(Call&)>;

struct Route {
  std::string method;
  std::string pattern;  // "/v1/me/transactions/{id}": also the metrics label
  Access access = Access::open;
  Handler handler;
  std::vector<std::string> segments;  // pattern split at '/'
};

// Path templates to handlers. A {name} segment matches one non-empty path
// segment, percent-decoded. Literal segments win over parameters.
class Router {
 public:
  void add(std::string method, std::string pattern, Access access, Handler handler);

  struct Match {
    const Route* route = nullptr;             // null: no route for this method
    std::map<std::string, std::string> params;
    std::string allow;                        // methods that match the path, when route is null
  };
  Match match(const std::string& method, const std::string& path) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

// Percent-decoding; '+' is a space only in queries. None when malformed.
std::optional<std::string> percent_decode(const std::string& s, bool plus_is_space);

// "a=1&b=x%20y" -> {a: 1, b: x y}; a malformed or repeated key throws a 400.
std::map<std::string, std::string> parse_query(const std::string& query);

}  // namespace setia::adapters::rest
