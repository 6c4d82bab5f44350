#include "adapters/config/config_keys.h"

#include <array>

namespace setia::adapters::config {

namespace {

// One row per key: (path, member of DaemonConfig, [min, max,] doc).
#define SETIA_TEXT(path, member, doc)                                                    \
  ConfigKey {                                                                            \
    path, TextField{[](DaemonConfig& c) -> std::string& { return c.member; }}, 0, 0, doc \
  }
#define SETIA_INT(path, member, lo, hi, doc)                                      \
  ConfigKey {                                                                     \
    path, IntField{[](DaemonConfig& c) -> int& { return c.member; }}, lo, hi, doc \
  }
#define SETIA_FLAG(path, member, doc)                                             \
  ConfigKey {                                                                     \
    path, FlagField{[](DaemonConfig& c) -> bool& { return c.member; }}, 0, 0, doc \
  }

const auto kKeys = std::to_array<ConfigKey>({
    SETIA_TEXT("mqtt.uri", mqtt.uri, "the broker: tcp://host:port or ssl://host:port"),
    SETIA_TEXT("mqtt.client_id", mqtt.client_id, "the MQTT client id, stable: it names the persistent session"),
    SETIA_TEXT("mqtt.topic_prefix", mqtt.topic_prefix, "first level of every topic"),
    SETIA_TEXT("mqtt.shared_group", mqtt.shared_group, "non-empty: subscribe as $share/<group>/..."),
    SETIA_INT("mqtt.keepalive_s", mqtt.keepalive_s, 5, 3600, "MQTT keepalive"),
    SETIA_INT("mqtt.session_expiry_s", mqtt.session_expiry_s, 60, 0x7fffffff,
              "how long the broker keeps the session while setiad is away"),
    SETIA_TEXT("mqtt.username", mqtt.username, "broker username"),
    SETIA_TEXT("mqtt.password_file", mqtt.password_file, "file whose first line is the broker password"),
    SETIA_TEXT("mqtt.tls.ca_file", mqtt.tls.ca_file, "CA of the broker's certificate; empty: the system's"),
    SETIA_TEXT("mqtt.tls.cert_file", mqtt.tls.cert_file, "client certificate"),
    SETIA_TEXT("mqtt.tls.key_file", mqtt.tls.key_file, "the client certificate's key"),
    SETIA_INT("mqtt.receive_maximum", mqtt.receive_maximum, 1, 65535,
              "unacknowledged sales the broker may send at once"),
    SETIA_INT("mqtt.answer_queue", mqtt.answer_queue, 100, 10000000, "answers waiting to be sent; full: backpressure"),
    SETIA_INT("mqtt.answer_window", mqtt.answer_window, 1, 65535, "answers sent and not yet acknowledged"),
    SETIA_TEXT("database.conninfo", database.conninfo, "libpq connection string, without a password"),
    SETIA_TEXT("database.password_file", database.password_file, "file whose first line is the database password"),
    SETIA_TEXT("rules.dir", rules.dir, "the directory of rule files"),
    SETIA_TEXT("rest.listen", rest.listen, "ip:port of the REST API"),
    SETIA_TEXT("rest.public_url", rest.public_url, "base of links sent to people"),
    SETIA_TEXT("rest.ops_listen", rest.ops_listen, "ip:port of /healthz and /metrics; empty: on rest.listen"),
    SETIA_INT("rest.threads", rest.threads, 1, 64, "REST worker threads"),
    SETIA_INT("rest.max_connections", rest.max_connections, 1, 1000000,
              "connections open at once; one more is answered 503 and closed"),
    SETIA_INT("rest.max_body_bytes", rest.max_body_bytes, 1024, 16 * 1024 * 1024, "larger bodies: 413"),
    SETIA_INT("rest.max_header_bytes", rest.max_header_bytes, 1024, 64 * 1024, "larger headers: 431"),
    SETIA_INT("rest.read_timeout_s", rest.read_timeout_s, 1, 3600, "a whole request, and an idle kept-alive wait"),
    SETIA_INT("rest.write_timeout_s", rest.write_timeout_s, 1, 3600, "a whole response"),
    SETIA_INT("rest.max_queued_requests", rest.max_queued_requests, 1, 1000000,
              "requests waiting for a handler thread; one more is a 503"),
    SETIA_INT("rest.token_ttl_days", rest.token_ttl_days, 1, 3650, "member tokens' lifetime"),
    SETIA_INT("rest.access_token_ttl_s", rest.access_token_ttl_s, 60, 86400,
              "a member's access token's lifetime, beside a refresh token"),
    SETIA_INT("rest.max_devices_per_member", rest.max_devices_per_member, 1, 100,
              "push devices one member may register; one more: 409"),
    SETIA_FLAG("rest.trust_forwarded_for", rest.trust_forwarded_for,
               "behind a proxy: the client is X-Forwarded-For's last entry"),
    SETIA_TEXT("rest.trusted_proxies", rest.trusted_proxies,
               "comma-separated addresses of the proxies whose X-Forwarded-For is read"),
    SETIA_INT("rest.argon2_opslimit", rest.argon2_opslimit, 1, 20, "argon2id passes"),
    SETIA_INT("rest.argon2_memlimit_kib", rest.argon2_memlimit_kib, 8, 4 * 1024 * 1024, "argon2id memory per hash"),
    SETIA_INT("rest.login_max_failures", rest.login_max_failures, 1, 1000, "failed logins of one account..."),
    SETIA_INT("rest.login_failure_window_s", rest.login_failure_window_s, 1, 86400, "...in this window, then 429"),
    SETIA_INT("rest.login_max_attempts_per_address", rest.login_max_attempts_per_address, 1, 100000,
              "logins from one address..."),
    SETIA_INT("rest.login_address_window_s", rest.login_address_window_s, 1, 86400, "...in this window, then 429"),
    SETIA_TEXT("rest.console_dir", rest.console_dir, "the owner's console's files, served at /console/; empty: none"),
    SETIA_TEXT("rest.chart_js_dir", rest.chart_js_dir,
               "Chart.js (libjs-chart.js), served at /console/lib/chart.js/; empty: none"),
    SETIA_TEXT("rest.app_dir", rest.app_dir, "the member's web app's files, served at /app/; empty: none"),
    SETIA_TEXT("fcm.project_id", fcm.project_id, "the Firebase project"),
    SETIA_TEXT("fcm.service_account_file", fcm.service_account_file, "the service account's JSON key"),
    SETIA_TEXT("fcm.endpoint", fcm.endpoint, "FCM's base URL"),
    SETIA_TEXT("fcm.token_uri", fcm.token_uri, "where the signed assertion becomes an access token"),
    SETIA_TEXT("fcm.ca_file", fcm.ca_file, "a CA to trust besides the system's"),
    SETIA_INT("outbox.workers", outbox.workers, 1, 32, "threads sending pushes"),
    SETIA_INT("outbox.max_attempts", outbox.max_attempts, 1, 100, "sends of one push before it is dead"),
    SETIA_INT("outbox.lease_s", outbox.lease_s, 5, 3600, "a claimed push is another worker's after this"),
    SETIA_INT("outbox.backoff_base_s", outbox.backoff_base_s, 1, 3600, "first retry delay"),
    SETIA_INT("outbox.backoff_max_s", outbox.backoff_max_s, 1, 86400, "longest retry delay"),
    SETIA_INT("outbox.timeout_ms", outbox.timeout_ms, 100, 120000, "one HTTPS request to FCM"),
    SETIA_INT("refunds.park_timeout_s", refunds.park_timeout_s, 1, 30 * 86400, "a refund waits this long for its sale"),
    SETIA_INT("dead_letters.retention_days", dead_letters.retention_days, 1, 3650,
              "dead letters are deleted this long after they came"),
    SETIA_INT("retention.notifications_days", retention.notifications_days, 1, 3650,
              "notifications and their deliveries are deleted this long after they were made"),
    SETIA_INT("retention.login_failures_days", retention.login_failures_days, 1, 365,
              "failed logins are deleted this long after they happened"),
    SETIA_INT("retention.expired_tokens_days", retention.expired_tokens_days, 1, 365,
              "bearer tokens are deleted this long after they expired"),
    SETIA_INT("fairness.store_rate", fairness.store_rate, 0, 1000000,
              "messages per second one store may have decided while others are active (0: no quota)"),
    SETIA_INT("fairness.store_burst", fairness.store_burst, 1, 10000000, "messages one store may send at once"),
    SETIA_INT("fairness.active_window_s", fairness.active_window_s, 1, 86400,
              "another store is active when it sent within this many seconds"),
    SETIA_INT("fairness.retry_after_s", fairness.retry_after_s, 1, 3600,
              "the throttle notice asks the POS to wait this long"),
    SETIA_TEXT("stores.template", stores.template_file,
               "setiactl store add: the rule file template ({{store}} is the store id)"),
    SETIA_TEXT("stores.broker_command", stores.broker_command,
               "setiactl store add/disable/enable: setia-dynsec.sh, which makes the tills' broker accounts"),
    SETIA_TEXT("log.level", log.level, "trace, debug, info, warn, error, critical or off"),
});

#undef SETIA_TEXT
#undef SETIA_INT
#undef SETIA_FLAG

}  // namespace

std::span<const ConfigKey> config_keys() { return kKeys; }

std::string value_text(const ConfigKey& key, const DaemonConfig& c) {
  auto& config = const_cast<DaemonConfig&>(c);  // the accessors only read here
  return std::visit(
      [&](auto field) -> std::string {
        const auto& v = field(config);
        if constexpr (std::is_same_v<std::decay_t<decltype(v)>, std::string>)
          return "\"" + v + "\"";
        else if constexpr (std::is_same_v<std::decay_t<decltype(v)>, bool>)
          return v ? "true" : "false";
        else
          return std::to_string(v);
      },
      key.field);
}

}  // namespace setia::adapters::config
