#pragma once

// <utility> before Beast in C++20/23 mode (see session.h).
#include <utility>

#include <string>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "adapters/rest/http_message.h"

namespace setia::adapters::rest {

// A request Beast parsed, as the handlers see it: the target split at '?',
// the headers they read, and the peer's address. One copy for the server's
// sessions (session.cpp) and the REST fuzz target (tests/fuzz/).
Request to_request(const boost::beast::http::request<boost::beast::http::string_body>& m, const std::string& client);

}  // namespace setia::adapters::rest
