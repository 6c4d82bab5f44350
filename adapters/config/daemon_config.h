#pragma once

#include <expected>
#include <string>

#include "adapters/fcm/fcm_options.h"
#include "rules/load_error.h"

// Where `cmake --install` puts the console's files (adapters/web/CMakeLists.txt).
#ifndef SETIA_DEFAULT_CONSOLE_DIR
#define SETIA_DEFAULT_CONSOLE_DIR "/usr/local/share/setia/console"
#endif
#ifndef SETIA_DEFAULT_APP_DIR
#define SETIA_DEFAULT_APP_DIR "/usr/local/share/setia/app"
#endif

namespace setia::adapters::config {

// The daemon config, with each key's default (FCM's from fcm_options.h).
// Which keys the file may hold, their types and ranges: config_keys.cpp;
// their meaning: docs/configuration.md. Relative paths are relative to the
// working directory.
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
  int receive_maximum = 100;   // unacknowledged sales the broker may send us at once
  int answer_queue = 50000;    // answers waiting to be sent; full: stop taking sales
  int answer_window = 100;     // answers handed to the MQTT client, not yet PUBACKed
};

struct DatabaseConfig {
  std::string conninfo = "host=127.0.0.1 port=5432 dbname=setia user=setia";
  std::string password_file;
};

struct RulesConfig {
  std::string dir = "config/rules";
};

// The REST API (adapters/rest): where it listens, its limits, and the
// accounts' password hashing and login rate limits.
struct RestConfig {
  std::string listen = "127.0.0.1:8080";  // ip:port; port 0 takes a free one (logged)
  std::string public_url;                 // base of links sent to people (e-nota pages)
  std::string ops_listen;                 // /healthz and /metrics here only; empty: on `listen`
  int threads = 4;
  int max_connections = 4096;             // open at once; one more: 503 and closed
  int max_queued_requests = 1024;         // waiting for a handler thread; one more: 503
  int max_body_bytes = 64 * 1024;         // larger: 413
  int max_header_bytes = 8 * 1024;        // larger: 431
  int read_timeout_s = 15;                // a whole request, and a kept-alive connection's idle wait
  int write_timeout_s = 15;
  int token_ttl_days = 30;                // member tokens, and refresh tokens
  int access_token_ttl_s = 900;           // a member's access token beside a refresh token
  int max_devices_per_member = 5;         // push devices one member may register
  bool trust_forwarded_for = false;       // behind a proxy: the client is X-Forwarded-For's last entry...
  std::string trusted_proxies = "127.0.0.1,::1";  // ...of requests from these addresses only
  int argon2_opslimit = 2;                // argon2id passes
  int argon2_memlimit_kib = 64 * 1024;    // argon2id memory per hash
  int login_max_failures = 5;             // per login...
  int login_failure_window_s = 900;       // ...in this window, then 429
  int login_max_attempts_per_address = 30;  // per client address...
  int login_address_window_s = 60;          // ...in this window, then 429
  // The owner's console (adapters/web/console) at /console/, and the
  // Chart.js it draws with (Debian's libjs-chart.js) at
  // /console/lib/chart.js/; empty: not served.
  std::string console_dir = SETIA_DEFAULT_CONSOLE_DIR;
  std::string chart_js_dir = "/usr/share/javascript/chart.js";
  // The member's web app (adapters/web/app) at /app/; empty: not served.
  std::string app_dir = SETIA_DEFAULT_APP_DIR;
};

// The FCM HTTP v1 notifier. Without an fcm section no push is sent: the
// outbox keeps the rows pending.
struct FcmConfig {
  std::string project_id, service_account_file;
  std::string endpoint = fcm::FcmOptions{}.endpoint;
  std::string token_uri = fcm::FcmOptions{}.token_uri;
  std::string ca_file;
};

// The outbox dispatcher (core/outbox/dispatcher.h).
struct OutboxConfig {
  int workers = 2;
  int max_attempts = 8;
  int lease_s = 60;
  int backoff_base_s = 2;
  int backoff_max_s = 3600;
  int timeout_ms = static_cast<int>(fcm::FcmOptions{}.request_timeout.count());  // one HTTPS request to FCM
};

// Refunds that arrive before their sale wait this long for it, then are
// rejected (refund_without_sale) and dead-lettered.
struct RefundsConfig {
  int park_timeout_s = 86400;
};

// Dead letters are deleted this long after they were received.
struct DeadLettersConfig {
  int retention_days = 90;
};

// How long records of people are kept at most before the hourly
// retention-purge job deletes them (docs/privacy.md, "How long").
struct RetentionConfig {
  int notifications_days = 180;  // notifications and their deliveries
  int login_failures_days = 1;   // failed logins (the throttle's window is at most a day)
  int expired_tokens_days = 1;   // tokens past their expiry
};

// Fairness between stores (core/pipeline/store_quota.h): while another
// store is active, a store's messages beyond `store_burst` at once and
// `store_rate` per second are not decided but answered with a throttle
// notice; store_rate 0 turns it off.
struct FairnessConfig {
  int store_rate = 50;
  int store_burst = 500;
  int active_window_s = 600;
  int retry_after_s = 5;
};

// What `setiactl store add` provisions with (setiad does not read these):
// the rule file template, and the command that makes and disables the
// stores' broker accounts (deploy/mosquitto/setia-dynsec.sh; empty: the
// operator makes them by hand).
struct StoresConfig {
  std::string template_file = "config/store-template.yaml";
  std::string broker_command;
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
  RefundsConfig refunds;
  DeadLettersConfig dead_letters;
  RetentionConfig retention;
  FairnessConfig fairness;
  StoresConfig stores;
  LogConfig log;
  bool has_rest = false, has_fcm = false;
};

// Reads and validates the config file (the keys of config_keys.cpp):
// unknown keys, wrong types and impossible values are errors with
// file:line:column.
std::expected<DaemonConfig, rules::LoadErrors> load_daemon_config(const std::string& path);

}  // namespace setia::adapters::config
