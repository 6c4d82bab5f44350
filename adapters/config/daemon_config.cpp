#include "adapters/config/daemon_config.h"

#include <fstream>
#include <sstream>

#include "core/domain/store_id.h"
#include "rules/yaml_reader.h"

namespace setia::adapters::config {

using rules::LoadErrors;

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
    r.keys(*root, "the daemon config", {"mqtt", "database", "rules", "rest", "fcm", "outbox", "log"});
    if (auto m = (*root)["mqtt"]; m && r.keys(m, "mqtt", {"uri", "client_id", "topic_prefix", "shared_group",
                                                          "keepalive_s", "session_expiry_s", "username",
                                                          "password_file", "tls"})) {
      r.get(m, "uri", "mqtt.uri", c.mqtt.uri);
      r.get(m, "client_id", "mqtt.client_id", c.mqtt.client_id);
      r.get(m, "topic_prefix", "mqtt.topic_prefix", c.mqtt.topic_prefix);
      r.get(m, "shared_group", "mqtt.shared_group", c.mqtt.shared_group);
      r.get(m, "keepalive_s", "mqtt.keepalive_s", c.mqtt.keepalive_s, 5, 3600);
      r.get(m, "session_expiry_s", "mqtt.session_expiry_s", c.mqtt.session_expiry_s, 60, 0x7fffffff);
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
    if (auto re = (*root)["rest"]; re && r.keys(re, "rest", {"listen", "public_url"})) {
      c.has_rest = true;
      r.get(re, "listen", "rest.listen", c.rest.listen);
      r.get(re, "public_url", "rest.public_url", c.rest.public_url);
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
