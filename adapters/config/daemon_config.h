#pragma once

#include <expected>
#include <string>

#include "rules/load_error.h"

namespace setia::adapters::config {

// Each key is declared once here, with its default; docs/configuration.md
// gives its meaning. Relative paths are relative to the working directory.
struct MqttTls {
  std::string ca_file, cert_file, key_file;
};

struct MqttConfig {
  std::string uri = "tcp://127.0.0.1:1883";
  std::string client_id = "setiad-1";
  std::string topic_prefix = "setia";
  std::string shared_group;          // non-empty: subscribe as $share/<group>/...
  int keepalive_s = 20;
  int session_expiry_s = 7 * 86400;  // how long the broker keeps our session while we are away
  std::string username;
  std::string password_file;
  MqttTls tls;
};

struct DatabaseConfig {
  std::string conninfo = "host=127.0.0.1 port=5432 dbname=setia user=setia";
  std::string password_file;
};

struct RulesConfig {
  std::string dir = "config/rules";
};

// Read and validated now; served by the REST adapter (not in this release).
struct RestConfig {
  std::string listen = "127.0.0.1:8080";
  std::string public_url;
};

// The FCM HTTP v1 notifier. Without an fcm section no push is sent: the
// outbox keeps the rows pending.
struct FcmConfig {
  std::string project_id, service_account_file;
  std::string endpoint = "https://fcm.googleapis.com";
  std::string token_uri = "https://oauth2.googleapis.com/token";
  std::string ca_file;
};

// The outbox dispatcher (core/outbox/dispatcher.h).
struct OutboxConfig {
  int workers = 2;
  int max_attempts = 8;
  int lease_s = 60;
  int backoff_base_s = 2;
  int backoff_max_s = 3600;
  int timeout_ms = 10000;  // one HTTPS request to FCM
};

struct LogConfig {
  std::string level = "info";
};

struct DaemonConfig {
  std::string file;
  MqttConfig mqtt;
  DatabaseConfig database;
  RulesConfig rules;
  RestConfig rest;
  FcmConfig fcm;
  OutboxConfig outbox;
  LogConfig log;
  bool has_rest = false, has_fcm = false;
};

// Reads and validates the config file: unknown keys, wrong types and
// impossible values are errors with file:line:column.
std::expected<DaemonConfig, rules::LoadErrors> load_daemon_config(const std::string& path);

}  // namespace setia::adapters::config
