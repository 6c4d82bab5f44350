#pragma once

// What must hold for any bytes a client sends the REST API, written once
// for the two places that check it: the libFuzzer target rest_request_fuzz
// (tests/fuzz/rest_request_fuzz.cpp, which aborts on a violation so that
// libFuzzer keeps the input) and the replay test
// (tests/unit/rest_fuzz_replay_test.cpp, which fails). No test framework
// here, so both can use it.
//
// The bytes are what a client sends on one connection. Beast parses them
// as a Session does (adapters/rest/session.cpp): a request_parser with the
// server's default header and body limits (ServerLimits,
// adapters/rest/server.h); a request that does not parse ends the
// connection (the server answers 400, 413 or 431 without the API). Each
// parsed request becomes an adapters::rest::Request by the server's own
// to_request (adapters/rest/beast_request.h) and goes to RestApi::handle
// on a RestRig (tests/fuzz/rest_rig.h); while the client keeps the
// connection alive the next bytes are the next request, up to
// kMaxRequests.
//
// RestApi::handle is noexcept: an exception that escaped it would call
// std::terminate, which libFuzzer reports as a crash. Of each response:
// - its status is one a handler may answer (200 to 599, a status Beast
//   knows: the session casts it to http::status), and never 500, which
//   only an unexpected exception gives (the finding; the rest logger
//   prints its what());
// - a 204 has no body; an application/json body parses as JSON;
// - 4xx and 5xx are the contract's error shape (docs/openapi.yaml, Error;
//   adapters/rest/http_errors.cpp): {"error": {"code", "message",
//   "reason"?}} with the code of the status, WWW-Authenticate on 401,
//   Allow on 405, Retry-After on 429 and 503; /healthz's 503 is its own
//   health body instead;
// - a list ({"items": [...], "next_cursor": ...}) has items, and a
//   next_cursor that is null or a cursor decode_cursor takes back
//   (adapters/rest/pagination.h);
// - no header carries CR, LF or NUL (the session copies them out as they
//   are);
// - nothing of the response repeats the Authorization credential (8
//   letters or digits or more), unless the response is the session that
//   just issued that very token. A fuzzer builds such a credential out of
//   the text of an answer (a 404 repeats its path), so a response found
//   holding it is not enough: the input is answered again with every
//   bearer credential renamed, in the request and in the rig alike
//   (rename_credential, tests/fuzz/rest_rig.h, keyed by a hash of the
//   input, which the fuzzer cannot aim at), and it is an echo when the
//   renamed answer holds the renamed credential.

#include <utility>  // before Beast in C++20/23 mode (adapters/rest/session.h)

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>
#include <nlohmann/json.hpp>

#include "adapters/rest/beast_request.h"
#include "adapters/rest/pagination.h"
#include "adapters/rest/server.h"
#include "tests/fuzz/rest_rig.h"

namespace setia::adapters::rest::fuzz {

// Requests read from one input at most: enough for a login and its use, a
// booking and its cancelling; few enough that an input of tiny requests
// stays fast.
inline constexpr int kMaxRequests = 8;

struct RestCheck {
  std::vector<unsigned> statuses;  // of each request answered, in order
  std::string violation;           // the first invariant broken; empty: none
};

namespace detail {

inline std::string error_code_of(unsigned status) {
  switch (status) {
    case 400: return "invalid";
    case 401: return "unauthenticated";
    case 403: return "forbidden";
    case 404: return "not_found";
    case 405: return "method_not_allowed";
    case 409: return "conflict";
    case 413: return "too_large";
    case 422: return "unprocessable";
    case 429: return "rate_limited";
    case 431: return "headers_too_large";
    case 500: return "internal";
    case 503: return "unavailable";
  }
  return {};
}

inline const std::string* header(const Response& res, std::string_view name) {
  for (const auto& [k, v] : res.headers) {
    if (k == name) return &v;
  }
  return nullptr;
}

// Whether an Authorization header has the Bearer scheme (in any case), as
// rest_api.cpp reads it.
inline bool bearer_scheme(const std::string& authorization) {
  if (authorization.size() < 7) return false;
  std::string scheme = authorization.substr(0, 7);
  for (auto& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return scheme == "bearer ";
}

// The credential of an Authorization header: a bearer token as
// rest_api.cpp reads it (trimmed of spaces and tabs), else the whole value.
inline std::string credential(const std::string& authorization) {
  std::string value = bearer_scheme(authorization) ? authorization.substr(7) : authorization;
  auto b = value.find_first_not_of(" \t");
  if (b == std::string::npos) return {};
  return value.substr(b, value.find_last_not_of(" \t") - b + 1);
}

inline std::string error_shape_problem(const Response& res, const nlohmann::json& body) {
  const std::string want = error_code_of(res.status);
  if (want.empty()) return "status " + std::to_string(res.status) + " has no error code in the contract";
  if (!body.is_object() || !body.contains("error") || !body["error"].is_object()) {
    return "an error body without {\"error\": {...}}";
  }
  const auto& e = body["error"];
  if (!e.contains("code") || !e["code"].is_string() || e["code"].get<std::string>() != want) {
    return "error.code is not \"" + want + "\" for status " + std::to_string(res.status);
  }
  if (!e.contains("message") || !e["message"].is_string() || e["message"].get<std::string>().empty()) {
    return "an error without a message";
  }
  if (e.contains("reason") && !e["reason"].is_string()) return "error.reason is not a string";
  if (res.status == 401 && !header(res, "WWW-Authenticate")) return "a 401 without WWW-Authenticate";
  if (res.status == 405 && !header(res, "Allow")) return "a 405 without Allow";
  if (res.status == 429 || res.status == 503) {
    const std::string* after = header(res, "Retry-After");
    if (!after || after->empty() || after->find_first_not_of("0123456789") != std::string::npos || *after == "0") {
      return "a " + std::to_string(res.status) + " without a positive Retry-After";
    }
  }
  return {};
}

}  // namespace detail

// What is wrong with the API's answer to `req`, or empty.
inline std::string response_problem(const Request& req, const Response& res) {
  namespace http = boost::beast::http;
  if (res.status < 200 || res.status > 599 || http::int_to_status(res.status) == http::status::unknown) {
    return "status " + std::to_string(res.status) + " is not an HTTP status a handler may answer";
  }
  if (res.status == 500) return "500 (an unexpected exception in a handler or a service): " + res.body;
  auto bad_header_text = [](const std::string& s) {
    return s.find_first_of(std::string("\r\n\0", 3)) != std::string::npos;
  };
  if (bad_header_text(res.content_type)) return "Content-Type with CR, LF or NUL";
  for (const auto& [k, v] : res.headers) {
    if (k.empty() || bad_header_text(k) || bad_header_text(v)) return "header '" + k + "' with CR, LF or NUL";
  }
  if (res.status == 204 && !res.body.empty()) return "a 204 with a body";

  nlohmann::json body;
  const bool is_json = res.content_type.starts_with("application/json");
  if (is_json && res.status != 204) {
    body = nlohmann::json::parse(res.body, nullptr, false);
    if (body.is_discarded()) return "an application/json body that is not JSON: " + res.body.substr(0, 200);
  }
  if (res.status >= 400 && !(res.status == 503 && req.path == "/healthz")) {
    if (!is_json) return "an error that is not application/json";
    if (auto p = detail::error_shape_problem(res, body); !p.empty()) return p + ": " + res.body.substr(0, 200);
  }
  // A list is what has a next_cursor (a transaction's "items" are its lines).
  if (res.status < 300 && body.is_object() && body.contains("next_cursor")) {
    if (!body.contains("items") || !body["items"].is_array()) return "a list without items";
    const auto& next = body["next_cursor"];
    if (!next.is_null() && !(next.is_string() && decode_cursor(next.get<std::string>()))) {
      return "a next_cursor that decode_cursor refuses: " + next.dump();
    }
  }

  return {};
}

struct Exchange {
  Request request;
  Response response;
};

// The requests of `input` (see the top) and the API's answers, on a fresh
// rig; `rename_key` renames every bearer credential, in the requests and
// in the rig (rename_credential).
inline std::vector<Exchange> exchange(std::string_view input, std::uint64_t rename_key = 0) {
  namespace http = boost::beast::http;
  std::vector<Exchange> out;
  RestRig rig(rename_key);
  const ServerLimits limits;
  for (int n = 0; n < kMaxRequests && !input.empty(); ++n) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(limits.body_limit);
    parser.header_limit(limits.header_limit);
    parser.eager(true);
    boost::beast::error_code ec;
    while (!parser.is_done()) {
      std::size_t used = input.empty() ? 0 : parser.put(boost::asio::buffer(input.data(), input.size()), ec);
      input.remove_prefix(used);
      if (ec && ec != http::error::need_more) break;
      ec = {};
      if (used > 0) continue;
      // No progress (need_more, or a body waiting for bytes): Beast's read
      // would wait for more; the client sent no more, so it is the end of
      // the stream, where a cut request is an error.
      parser.put_eof(ec);
      if (!ec && !parser.is_done()) ec = http::error::partial_message;
      break;
    }
    if (ec) return out;  // 400, 413 or 431 from the session, or just closed; the API is not asked
    const auto& msg = parser.get();
    Request request = to_request(msg, kClientAddress);
    if (rename_key != 0) {
      const auto& a = request.authorization;
      // The scheme and the spaces around the credential stay.
      std::size_t from = std::min(a.find_first_not_of(" \t", detail::bearer_scheme(a) ? 7 : 0), a.size());
      std::size_t to = std::max(from, a.find_last_not_of(" \t") + 1);
      request.authorization =
          a.substr(0, from) + rename_credential(a.substr(from, to - from), rename_key) + a.substr(to);
    }
    Response response = rig.api->handle(request);
    const bool keep_alive = msg.keep_alive() && !response.close;
    out.push_back({std::move(request), std::move(response)});
    if (!keep_alive) break;
  }
  return out;
}

namespace detail {

// The credential of `e`'s request, when the response holds it and did not
// just issue it; else empty.
inline std::string credential_held(const Exchange& e) {
  const std::string secret = credential(e.request.authorization);
  if (std::count_if(secret.begin(), secret.end(), [](unsigned char c) { return std::isalnum(c); }) < 8) return {};
  auto holds = [&](const std::string& s) { return s.find(secret) != std::string::npos; };
  bool held = holds(e.response.body) || holds(e.response.content_type);
  for (const auto& [k, v] : e.response.headers) held = held || holds(v);
  if (!held) return {};
  auto body = nlohmann::json::parse(e.response.body, nullptr, false);
  bool issued_now = body.is_object() && body.contains("token") && body["token"] == secret &&
                    body.contains("token_type") && body["token_type"] == "Bearer";
  return issued_now ? std::string() : secret;
}

// FNV-1a: the renaming key of an input.
inline std::uint64_t key_of(std::string_view input) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : input) h = (h ^ c) * 1099511628211ull;
  return h == 0 ? 1 : h;
}

}  // namespace detail

// Any bytes as what a client sends on one connection (see the top).
inline RestCheck check_rest_input(std::string_view input) {
  RestCheck out;
  auto answers = exchange(input);
  std::vector<std::size_t> suspects;
  for (std::size_t i = 0; i < answers.size(); ++i) {
    const auto& [request, response] = answers[i];
    out.statuses.push_back(response.status);
    auto where = request.method + " " + request.target.substr(0, 200) + ": ";
    if (auto p = response_problem(request, response); !p.empty()) {
      out.violation = where + p;
      return out;
    }
    if (!detail::credential_held(answers[i]).empty()) suspects.push_back(i);
  }
  if (suspects.empty()) return out;
  // Echo or coincidence: the same input with every credential renamed.
  auto renamed = exchange(input, detail::key_of(input));
  for (std::size_t i : suspects) {
    if (i < renamed.size() && !detail::credential_held(renamed[i]).empty()) {
      out.violation = answers[i].request.method + " " + answers[i].request.target.substr(0, 200) +
                      ": the response repeats the Authorization credential: " + answers[i].response.body.substr(0, 200);
      return out;
    }
  }
  return out;
}

}  // namespace setia::adapters::rest::fuzz
