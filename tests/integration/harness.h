#pragma once

// What the integration tests share: the real PostgreSQL and Mosquitto that
// tests/run.sh starts (SETIA_TEST_PG, SETIA_TEST_MQTT), setiad run as a
// child process with a systemd notify socket, setiactl, a raw MQTT probe.
#include <atomic>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <mqtt/async_client.h>
#include <soci/soci.h>
#include <nlohmann/json.hpp>

#include "adapters/config/daemon_config.h"

namespace setia::it {

// The services' addresses; fails the test (never skips) when unset.
std::string pg_conninfo();
std::string mqtt_uri();

// A name no other test or run uses: prefix-<pid>-<counter>-<random>.
std::string unique(const std::string& prefix);

struct CommandResult {
  int exit_code = -1;
  std::string out, err;
};
CommandResult run(const std::vector<std::string>& argv);

// A child process with stdin from /dev/null and its output appended to the
// given files (the environment without NOTIFY_SOCKET, plus extra_env);
// its pid. wait_pid: its exit code, 128+signal when killed.
int spawn(const std::vector<std::string>& argv, const std::string& out_path, const std::string& err_path,
          const std::vector<std::string>& extra_env);
int wait_pid(int pid);
std::string read_file(const std::filesystem::path& p);

// A TCP port on 127.0.0.1 free at the time of asking (for a child server);
// whether something accepts connections on it.
int free_loopback_port();
bool accepts_on_loopback(int port);

// A fresh test directory, removed at the end.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }
  void write(const std::string& name, const std::string& text) const;

 private:
  std::filesystem::path path_;
};

// The tests' sales happen on fixed dates (2026-11-23, sale() below; the
// paper's 2020-05-27): their rule files take sales up to ten years old,
// where the default window (sales.past_days: 7) would refuse them once a
// week had passed on the test machine's clock.
inline constexpr const char* kTestSalesWindow = "sales: {past_days: 3650}\n";

// setiad with its own topic prefix, rules dir and config in a temp dir.
class Daemon {
 public:
  struct Options {
    std::string topic_prefix = unique("it");
    std::string client_id = unique("setiad");
    std::string shared_group;
    std::string rules_yaml;  // one rule file for store "*"; default: base Rp 1.000 = 1 point
    std::string conninfo;    // default: pg_conninfo()
    std::string extra_yaml;  // more top-level config sections, e.g. "refunds:\n  park_timeout_s: 2\n"
    std::string mqtt_uri;            // default: mqtt_uri()
    std::string mqtt_username;       // the broker account, when the broker asks for one
    std::string mqtt_password_file;  // its password, first line
    std::string mqtt_extra;          // more keys of the mqtt section, e.g. "  tls:\n    ca_file: ...\n"
  };
  explicit Daemon(Options o);
  ~Daemon();

  const Options& options() const { return opt_; }
  std::string config_path() const { return (dir_.path() / "setiad.yaml").string(); }
  std::string rules_dir() const { return (dir_.path() / "rules").string(); }
  std::string log() const;  // everything setiad wrote so far
  adapters::config::MqttConfig mqtt_config(const std::string& client_id) const;

  void start();                 // waits for READY=1 on the notify socket
  void launch();                // starts it and returns at once
  void signal(int sig) const;
  int wait_exit();              // exit code; 128+signal when killed
  bool running() const { return pid_ > 0; }
  int pid() const { return pid_; }
  // Waits until the log contains `text` (after the given byte offset).
  bool wait_for_log(const std::string& text, std::chrono::seconds timeout, std::size_t from = 0) const;
  // The REST API's bound ports, read from the log ("rest: listening on
  // 127.0.0.1:PORT", "rest: ops listening on ..."); 0 when not (yet) there.
  int rest_port() const;
  int ops_port() const;

 private:
  Options opt_;
  TempDir dir_;
  int pid_ = -1;
  int notify_fd_ = -1;
  std::string notify_path_;
  // Reads the notify socket all the time, as systemd does: a reader that
  // stops after READY=1 lets the socket's queue fill, and setiad's next
  // sd_notify (each reload says RELOADING=1, READY=1) then blocks forever.
  mutable std::mutex notify_mu_;
  std::size_t ready_count_ = 0;  // READY=1 messages read so far
  std::jthread notify_reader_;
};

// A TCP proxy on 127.0.0.1 in front of another local port, that a test can
// cut (every connection dropped, new ones closed at once) and restore: a
// database outage as setiad sees it.
class TcpProxy {
 public:
  explicit TcpProxy(int target_port);
  ~TcpProxy();
  int port() const { return port_; }
  void cut();
  void restore();

 private:
  void accept_loop();
  void pump(int client, int generation);
  int target_port_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false}, down_{false};
  std::atomic<int> generation_{0};
  std::vector<std::thread> threads_;
  std::mutex mu_;
};

// The port in a "host=... port=N ..." conninfo.
int conninfo_port(const std::string& conninfo);

// Migrates the shared test database once per process (setiactl db migrate).
void migrate(const Daemon& any);

// A `rest:` config section for Options::extra_yaml: a free port on
// loopback, cheap argon2 (tests hash many passwords), no per-address login
// limit unless the test sets one; `more` adds keys ("  key: value\n").
std::string rest_yaml(const std::string& more = "");

// `setiactl admin token create --store S` (--all when store is empty).
std::string admin_token(const Daemon& d, const std::string& store);

// A member added through setiactl; returns the code.
std::string add_member(const Daemon& d, const std::string& store, const std::string& name, const std::string& phone);

// A raw MQTT v5 client: publishes anything, collects what arrives on its
// subscriptions.
class Probe {
 public:
  explicit Probe(const std::vector<std::string>& filters);
  ~Probe();
  void publish(const std::string& topic, const std::string& payload);
  // An MQTT v5 request: publishes with a response topic and correlation data.
  void request(const std::string& topic, const std::string& payload, const std::string& response_topic,
               const std::string& correlation);
  // The correlation data of messages received on topics ending with `suffix`.
  std::vector<std::string> correlations(const std::string& suffix);
  // Waits until `n` messages arrived on topics ending with `suffix`.
  std::vector<std::pair<std::string, std::string>> wait(const std::string& suffix, std::size_t n,
                                                        std::chrono::seconds timeout = std::chrono::seconds(20));

 private:
  std::unique_ptr<::mqtt::async_client> client_;
  std::mutex mu_;
  std::vector<std::pair<std::string, std::string>> got_;
  std::vector<std::pair<std::string, std::string>> correlation_;  // topic, correlation data
};

// One session to the test database for checks.
std::unique_ptr<soci::session> db();
long long scalar(soci::session& sql, const std::string& query);

// `t` as RFC 3339 in UTC, e.g. 2026-12-06T02:30:00Z: an occurred_at.
std::string utc_text(std::time_t t);

// A sale payload for `store` with one line; member optional.
nlohmann::json sale(const std::string& store, const std::string& event_id, const std::string& receipt, long long qty,
                    long long unit_price, const std::string& member = "");

}  // namespace setia::it
