#include "adapters/config/daemon_config.h"

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
    r.keys(*root, "the daemon config", {"mqtt", "database", "rules", "rest", "fcm", "outbox", "refunds", "log"});
    if (auto m = (*root)["mqtt"]; m && r.keys(m, "mqtt", {"uri", "client_id", "topic_prefix", "shared_group",
                                                          "keepalive_s", "session_expiry_s", "username",
                                                          "password_file", "tls", "receive_maximum",
                                                          "answer_queue", "answer_window"})) {
      r.get(m, "uri", "mqtt.uri", c.mqtt.uri);
      r.get(m, "client_id", "mqtt.client_id", c.mqtt.client_id);
      r.get(m, "topic_prefix", "mqtt.topic_prefix", c.mqtt.topic_prefix);
      r.get(m, "shared_group", "mqtt.shared_group", c.mqtt.shared_group);
      r.get(m, "keepalive_s", "mqtt.keepalive_s", c.mqtt.keepalive_s, 5, 3600);
      r.get(m, "session_expiry_s", "mqtt.session_expiry_s", c.mqtt.session_expiry_s, 60, 0x7fffffff);
      r.get(m, "receive_maximum", "mqtt.receive_maximum", c.mqtt.receive_maximum, 1, 65535);
      r.get(m, "answer_queue", "mqtt.answer_queue", c.mqtt.answer_queue, 100, 10000000);
      r.get(m, "answer_window", "mqtt.answer_window", c.mqtt.answer_window, 1, 65535);
      r.get(m, "username", "mqtt.username", c.mqtt.username);
      r.get(m, "password_file", "mqtt.password_file", c.mqtt.password_file);
      if (auto t = m["tls"]; t && r.keys(t, "mqtt.tls", {"ca_file", "cert_file", "key_file"})) {
        r.get(t, "ca_file", "mqtt.tls.ca_file", c.mqtt.tls.ca_file);
        r.get(t, "cert_file", "mqtt.tls.cert_file", c.mqtt.tls.cert_file);
        r.get(t, "key_file", "mqtt.tls.key_file", c.mqtt.tls.key_file);
      }
      auto uri = c.mqtt.uri;
      if (!(uri.starts_with("tcp://") || uri.starts_with("ssl://") || uri.starts_with("mqtt://") ||
            uri.starts_with("mqtts://"))) {
        r.error(m["uri"] ? m["uri"] : m, "mqtt.uri must be tcp://host:port or ssl://host:port, got '" + uri + "'");
      }
      auto prefix = c.mqtt.topic_prefix;
      if (prefix.empty() || prefix.find_first_of("#+") != std::string::npos || prefix.front() == '/' ||
          prefix.back() == '/') {
        r.error(m["topic_prefix"] ? m["topic_prefix"] : m,
                "mqtt.topic_prefix must be a non-empty topic without wildcards or leading/trailing '/'");
      }
      if (!c.mqtt.shared_group.empty() && c.mqtt.shared_group.find_first_of("/#+") != std::string::npos) {
        r.error(m["shared_group"], "mqtt.shared_group must not contain '/', '#' or '+'");
      }
      if (c.mqtt.client_id.empty() || c.mqtt.client_id.size() > 64) {
        r.error(m["client_id"] ? m["client_id"] : m, "mqtt.client_id must be 1 to 64 characters");
      }
    }
    if (auto d = (*root)["database"]; d && r.keys(d, "database", {"conninfo", "password_file"})) {
      r.get(d, "conninfo", "database.conninfo", c.database.conninfo);
      r.get(d, "password_file", "database.password_file", c.database.password_file);
      if (c.database.conninfo.find("password=") != std::string::npos) {
        r.error(d["conninfo"], "database.conninfo must not hold a password: put it in database.password_file");
      }
    }
    if (auto ru = (*root)["rules"]; ru && r.keys(ru, "rules", {"dir"})) r.get(ru, "dir", "rules.dir", c.rules.dir);
    if (auto re = (*root)["rest"];
        re && r.keys(re, "rest", {"listen", "public_url", "ops_listen", "threads", "max_body_bytes",
                                  "max_header_bytes", "read_timeout_s", "write_timeout_s", "token_ttl_days",
                                  "trust_forwarded_for", "argon2_opslimit", "argon2_memlimit_kib",
                                  "login_max_failures", "login_failure_window_s",
                                  "login_max_attempts_per_address", "login_address_window_s"})) {
      c.has_rest = true;
      auto& rc = c.rest;
      r.get(re, "listen", "rest.listen", rc.listen);
      r.get(re, "public_url", "rest.public_url", rc.public_url);
      r.get(re, "ops_listen", "rest.ops_listen", rc.ops_listen);
      r.get(re, "threads", "rest.threads", rc.threads, 1, 64);
      r.get(re, "max_body_bytes", "rest.max_body_bytes", rc.max_body_bytes, 1024, 16 * 1024 * 1024);
      r.get(re, "max_header_bytes", "rest.max_header_bytes", rc.max_header_bytes, 1024, 64 * 1024);
      r.get(re, "read_timeout_s", "rest.read_timeout_s", rc.read_timeout_s, 1, 3600);
      r.get(re, "write_timeout_s", "rest.write_timeout_s", rc.write_timeout_s, 1, 3600);
      r.get(re, "token_ttl_days", "rest.token_ttl_days", rc.token_ttl_days, 1, 3650);
      if (auto t = re["trust_forwarded_for"]) {
        if (auto b = r.boolean(t, "rest.trust_forwarded_for")) rc.trust_forwarded_for = *b;
      }
      r.get(re, "argon2_opslimit", "rest.argon2_opslimit", rc.argon2_opslimit, 1, 20);
      r.get(re, "argon2_memlimit_kib", "rest.argon2_memlimit_kib", rc.argon2_memlimit_kib, 8, 4 * 1024 * 1024);
      r.get(re, "login_max_failures", "rest.login_max_failures", rc.login_max_failures, 1, 1000);
      r.get(re, "login_failure_window_s", "rest.login_failure_window_s", rc.login_failure_window_s, 1, 86400);
      r.get(re, "login_max_attempts_per_address", "rest.login_max_attempts_per_address",
            rc.login_max_attempts_per_address, 1, 100000);
      r.get(re, "login_address_window_s", "rest.login_address_window_s", rc.login_address_window_s, 1, 86400);
      if (auto p = listen_problem(rc.listen)) r.error(re["listen"] ? re["listen"] : re, "rest.listen " + *p);
      if (!rc.ops_listen.empty()) {
        if (auto p = listen_problem(rc.ops_listen)) r.error(re["ops_listen"], "rest.ops_listen " + *p);
      }
      if (!rc.ops_listen.empty() && rc.ops_listen == rc.listen && !rc.listen.ends_with(":0")) {
        r.error(re["ops_listen"], "rest.ops_listen must differ from rest.listen (or be empty to serve both there)");
      }
      const auto& url = rc.public_url;
      if (!url.empty() && ((!url.starts_with("http://") && !url.starts_with("https://")) || url.back() == '/')) {
        r.error(re["public_url"], "rest.public_url must be http(s)://host[/path] without a trailing '/', got '" + url + "'");
      }
    }
    if (auto f = (*root)["fcm"];
        f && r.keys(f, "fcm", {"project_id", "service_account_file", "endpoint", "token_uri", "ca_file"})) {
      c.has_fcm = true;
      r.get(f, "project_id", "fcm.project_id", c.fcm.project_id);
      r.get(f, "service_account_file", "fcm.service_account_file", c.fcm.service_account_file);
      r.get(f, "endpoint", "fcm.endpoint", c.fcm.endpoint);
      r.get(f, "token_uri", "fcm.token_uri", c.fcm.token_uri);
      r.get(f, "ca_file", "fcm.ca_file", c.fcm.ca_file);
    }
    if (auto o = (*root)["outbox"]; o && r.keys(o, "outbox", {"workers", "max_attempts", "lease_s", "backoff_base_s",
                                                              "backoff_max_s", "timeout_ms"})) {
      r.get(o, "workers", "outbox.workers", c.outbox.workers, 1, 32);
      r.get(o, "max_attempts", "outbox.max_attempts", c.outbox.max_attempts, 1, 100);
      r.get(o, "lease_s", "outbox.lease_s", c.outbox.lease_s, 5, 3600);
      r.get(o, "backoff_base_s", "outbox.backoff_base_s", c.outbox.backoff_base_s, 1, 3600);
      r.get(o, "backoff_max_s", "outbox.backoff_max_s", c.outbox.backoff_max_s, 1, 86400);
      r.get(o, "timeout_ms", "outbox.timeout_ms", c.outbox.timeout_ms, 100, 120000);
    }
    if (auto rf = (*root)["refunds"]; rf && r.keys(rf, "refunds", {"park_timeout_s"})) {
      r.get(rf, "park_timeout_s", "refunds.park_timeout_s", c.refunds.park_timeout_s, 1, 30 * 86400);
    }
    if (auto l = (*root)["log"]; l && r.keys(l, "log", {"level"})) {
      r.get(l, "level", "log.level", c.log.level);
      static const std::vector<std::string> kLevels{"trace", "debug", "info", "warn", "error", "critical", "off"};
      if (std::find(kLevels.begin(), kLevels.end(), c.log.level) == kLevels.end()) {
        r.error(l["level"], "log.level must be one of trace, debug, info, warn, error, critical, off");
      }
    }
  } catch (const YAML::Exception& e) {
    r.errors.push_back({path, e.mark.line + 1, e.mark.column + 1, e.msg});
  }
  if (!r.errors.empty()) return std::unexpected(std::move(r.errors));
  return c;
}

}  // namespace setia::adapters::config
