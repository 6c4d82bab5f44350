#include "adapters/config/daemon_config.h"

#include <arpa/inet.h>

#include <algorithm>
#include <vector>

#include "adapters/config/config_keys.h"

#include <fstream>
#include <optional>
#include <sstream>

#include "core/domain/store_id.h"
#include "rules/yaml_reader.h"

namespace setia::adapters::config {

using rules::LoadErrors;

namespace {

// "ip:port" or "[ipv6]:port" with a port 0..65535; what is wrong, or none.
// Whether the host is a usable address is for the bind at start to say.
std::optional<std::string> listen_problem(const std::string& v) {
  auto colon = v.rfind(':');
  if (colon == std::string::npos || colon == 0) return "must be ip:port, e.g. 127.0.0.1:8080, got '" + v + "'";
  std::string port = v.substr(colon + 1);
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(port) > 65535) {
    return "must end in a port 0 to 65535, got '" + v + "'";
  }
  return std::nullopt;
}

// A comma-separated list of IP addresses (rest.trusted_proxies).
std::optional<std::string> address_list_problem(const std::string& v) {
  std::size_t from = 0;
  while (from <= v.size()) {
    auto comma = std::min(v.find(',', from), v.size());
    auto item = v.substr(from, comma - from);
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    unsigned char buf[sizeof(in6_addr)];
    if (!item.empty() && ::inet_pton(AF_INET, item.c_str(), buf) != 1 &&
        ::inet_pton(AF_INET6, item.c_str(), buf) != 1) {
      return "must be IP addresses separated by commas, e.g. 127.0.0.1,10.0.0.5; '" + item + "' is not one";
    }
    from = comma + 1;
  }
  return std::nullopt;
}

// The names one level below `prefix` ("" for the top), in the table's order.
std::vector<std::string_view> children(std::string_view prefix) {
  std::vector<std::string_view> out;
  for (const auto& key : config_keys()) {
    std::string_view rest = key.path;
    if (!prefix.empty()) {
      if (!rest.starts_with(prefix) || rest.size() <= prefix.size() || rest[prefix.size()] != '.') continue;
      rest.remove_prefix(prefix.size() + 1);
    }
    auto name = rest.substr(0, rest.find('.'));
    if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
  }
  return out;
}

const ConfigKey* find_key(std::string_view path) {
  for (const auto& key : config_keys()) {
    if (key.path == path) return &key;
  }
  return nullptr;
}

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
// C++20 deduces this for an aggregate; clang 16 (tests/tidy.sh) does not yet.
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

// Reads one mapping of the file: its keys must be names of the table at
// this level; a key is read with its type and range, a section recursively.
void read_map(rules::YamlReader& r, const YAML::Node& map, std::string_view prefix, DaemonConfig& c) {
  auto names = children(prefix);
  if (!r.keys(map, prefix.empty() ? "the daemon config" : prefix, names)) return;
  for (auto name : names) {
    auto node = map[std::string(name)];
    if (!node) continue;
    std::string path = prefix.empty() ? std::string(name) : std::string(prefix) + "." + std::string(name);
    const ConfigKey* key = find_key(path);
    if (!key) {
      read_map(r, node, path, c);
      continue;
    }
    std::visit(Overloaded{[&](TextField f) {
                            if (auto v = r.string(node, path)) f(c) = *v;
                          },
                          [&](IntField f) {
                            if (auto v = r.integer(node, path, key->min, key->max)) f(c) = static_cast<int>(*v);
                          },
                          [&](FlagField f) {
                            if (auto v = r.boolean(node, path)) f(c) = *v;
                          }},
               key->field);
  }
}

}  // namespace

std::expected<DaemonConfig, LoadErrors> load_daemon_config(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::unexpected(LoadErrors{{path, 0, 0, "cannot read the config file"}});
  std::ostringstream ss;
  ss << in.rdbuf();
  LoadErrors syntax;
  auto root = rules::parse_yaml(ss.str(), path, syntax);
  if (!root) return std::unexpected(std::move(syntax));

  rules::YamlReader r(path);
  DaemonConfig c;
  c.file = path;
  try {
    read_map(r, *root, "", c);
    c.has_rest = (*root)["rest"].IsDefined();
    c.has_fcm = (*root)["fcm"].IsDefined();
    // What one key's type and range cannot say.
    auto at = [&](std::string_view section, const char* key) {
      auto m = (*root)[std::string(section)];
      return m && m.IsMap() && m[key] ? m[key] : (m ? m : *root);
    };
    const auto& uri = c.mqtt.uri;
    if (!(uri.starts_with("tcp://") || uri.starts_with("ssl://") || uri.starts_with("mqtt://") ||
          uri.starts_with("mqtts://"))) {
      r.error(at("mqtt", "uri"), "mqtt.uri must be tcp://host:port or ssl://host:port, got '" + uri + "'");
    }
    const auto& prefix = c.mqtt.topic_prefix;
    if (prefix.empty() || prefix.find_first_of("#+") != std::string::npos || prefix.front() == '/' ||
        prefix.back() == '/') {
      r.error(at("mqtt", "topic_prefix"),
              "mqtt.topic_prefix must be a non-empty topic without wildcards or leading/trailing '/'");
    }
    if (!c.mqtt.shared_group.empty() && c.mqtt.shared_group.find_first_of("/#+") != std::string::npos) {
      r.error(at("mqtt", "shared_group"), "mqtt.shared_group must not contain '/', '#' or '+'");
    }
    if (c.mqtt.client_id.empty() || c.mqtt.client_id.size() > 64) {
      r.error(at("mqtt", "client_id"), "mqtt.client_id must be 1 to 64 characters");
    }
    if (c.database.conninfo.find("password=") != std::string::npos) {
      r.error(at("database", "conninfo"),
              "database.conninfo must not hold a password: put it in database.password_file");
    }
    if (c.has_rest) {
      const auto& rc = c.rest;
      if (auto p = listen_problem(rc.listen)) r.error(at("rest", "listen"), "rest.listen " + *p);
      if (!rc.ops_listen.empty()) {
        if (auto p = listen_problem(rc.ops_listen)) r.error(at("rest", "ops_listen"), "rest.ops_listen " + *p);
      }
      if (!rc.ops_listen.empty() && rc.ops_listen == rc.listen && !rc.listen.ends_with(":0")) {
        r.error(at("rest", "ops_listen"),
                "rest.ops_listen must differ from rest.listen (or be empty to serve both there)");
      }
      if (auto p = address_list_problem(rc.trusted_proxies)) {
        r.error(at("rest", "trusted_proxies"), "rest.trusted_proxies " + *p);
      }
      const auto& url = rc.public_url;
      if (!url.empty() && ((!url.starts_with("http://") && !url.starts_with("https://")) || url.back() == '/')) {
        r.error(at("rest", "public_url"),
                "rest.public_url must be http(s)://host[/path] without a trailing '/', got '" + url + "'");
      }
    }
    static const std::vector<std::string> kLevels{"trace", "debug", "info", "warn", "error", "critical", "off"};
    if (std::find(kLevels.begin(), kLevels.end(), c.log.level) == kLevels.end()) {
      r.error(at("log", "level"), "log.level must be one of trace, debug, info, warn, error, critical, off");
    }
  } catch (const YAML::Exception& e) {
    r.errors.push_back({path, e.mark.line + 1, e.mark.column + 1, e.msg});
  }
  if (!r.errors.empty()) return std::unexpected(std::move(r.errors));
  return c;
}

}  // namespace setia::adapters::config
