#include "adapters/rest/router.h"

#include "adapters/rest/http_errors.h"

namespace setia::adapters::rest {
namespace {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> out;
  std::size_t start = 1;  // after the leading '/'
  while (start <= path.size()) {
    auto slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    out.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

bool is_param(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

std::optional<std::string> percent_decode(const std::string& s, bool plus_is_space) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      int hi = hex(s[i + 1]), lo = hex(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (plus_is_space && s[i] == '+') {
      out.push_back(' ');
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::map<std::string, std::string> parse_query(const std::string& query) {
  std::map<std::string, std::string> out;
  std::size_t start = 0;
  while (start < query.size()) {
    auto amp = query.find('&', start);
    if (amp == std::string::npos) amp = query.size();
    std::string pair = query.substr(start, amp - start);
    start = amp + 1;
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    auto key = percent_decode(pair.substr(0, eq), true);
    auto value = percent_decode(eq == std::string::npos ? "" : pair.substr(eq + 1), true);
    if (!key || !value) throw bad_request("the query string is not valid percent-encoding");
    if (!out.emplace(*key, *value).second) throw bad_request("query parameter '" + *key + "' is given twice");
  }
  return out;
}

void Router::add(std::string method, std::string pattern, Access access, Handler handler) {
  Route r{std::move(method), std::move(pattern), access, std::move(handler), {}};
  r.segments = split_path(r.pattern);
  routes_.push_back(std::move(r));
}

Router::Match Router::match(const std::string& method, const std::string& path) const {
  Match out;
  if (path.empty() || path.front() != '/') return out;
  auto parts = split_path(path);
  std::vector<std::optional<std::string>> decoded;
  for (const auto& p : parts) decoded.push_back(percent_decode(p, false));
  // The best match has the most literal segments (so /v1/me/qr.svg beats
  // a /v1/me/{x} should one exist).
  int best_literals = -1;
  for (const auto& r : routes_) {
    if (r.segments.size() != parts.size()) continue;
    std::map<std::string, std::string> params;
    int literals = 0;
    bool ok = true;
    for (std::size_t i = 0; i < parts.size() && ok; ++i) {
      if (is_param(r.segments[i])) {
        ok = decoded[i].has_value() && !decoded[i]->empty();
        if (ok) params[r.segments[i].substr(1, r.segments[i].size() - 2)] = *decoded[i];
      } else {
        ok = r.segments[i] == parts[i];
        ++literals;
      }
    }
    if (!ok) continue;
    if (r.method != method) {
      if (out.allow.find(r.method) == std::string::npos) out.allow += (out.allow.empty() ? "" : ", ") + r.method;
      continue;
    }
    if (literals > best_literals) {
      best_literals = literals;
      out.route = &r;
      out.params = std::move(params);
    }
  }
  return out;
}

}  // namespace setia::adapters::rest
