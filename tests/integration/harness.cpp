#include "harness.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <soci/postgresql/soci-postgresql.h>

extern char** environ;

namespace setia::it {
namespace {

std::string env_or_fail(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v) {
    ADD_FAILURE() << name << " is not set: run the integration tests through tests/run.sh, which starts "
                  << "the private PostgreSQL and Mosquitto they need";
    throw std::runtime_error(std::string(name) + " not set");
  }
  return v;
}

}  // namespace

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int spawn(const std::vector<std::string>& argv, const std::string& out_path, const std::string& err_path,
          const std::vector<std::string>& extra_env) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) {
    if (std::string(*e).starts_with("NOTIFY_SOCKET=")) continue;
    env_strings.emplace_back(*e);
  }
  env_strings.insert(env_strings.end(), extra_env.begin(), extra_env.end());
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, args[0], &fa, nullptr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
  return pid;
}

int wait_pid(int pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

int free_loopback_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("no free port");
  }
  ::close(fd);
  return ntohs(a.sin_port);
}

bool accepts_on_loopback(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

std::string pg_conninfo() { return env_or_fail("SETIA_TEST_PG"); }
std::string mqtt_uri() { return env_or_fail("SETIA_TEST_MQTT"); }

std::string unique(const std::string& prefix) {
  static std::atomic<int> counter{0};
  static const unsigned salt = std::random_device{}() % 100000;
  return prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" + std::to_string(salt);
}

CommandResult run(const std::vector<std::string>& argv) {
  TempDir tmp;
  auto out = (tmp.path() / "out").string(), err = (tmp.path() / "err").string();
  int pid = spawn(argv, out, err, {});
  CommandResult r;
  r.exit_code = wait_pid(pid);
  r.out = read_file(out);
  r.err = read_file(err);
  return r;
}

TempDir::TempDir() {
  path_ = std::filesystem::temp_directory_path() / unique("setia-it");
  std::filesystem::create_directories(path_);
}
TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}
void TempDir::write(const std::string& name, const std::string& text) const {
  std::filesystem::create_directories((path_ / name).parent_path());
  std::ofstream(path_ / name, std::ios::binary) << text;
}

Daemon::Daemon(Options o) : opt_(std::move(o)) {
  if (opt_.rules_yaml.empty()) {
    // Points last ten years: the tests' sales happen on fixed dates
    // (kTestSalesWindow), and the daemon's expiry job would take their
    // points away once a year had passed on the test machine's clock.
    opt_.rules_yaml = std::string(
                          "version: 1\nstore: \"*\"\ntimezone: Asia/Jakarta\npoints:\n  earn:\n"
                          "    - {name: base, per_amount: 1000, points: 1}\n  expiry: {after_days: 3650}\n") +
                      kTestSalesWindow;
  }
  dir_.write("rules/default.yaml", opt_.rules_yaml);
  std::ostringstream cfg;
  if (opt_.mqtt_uri.empty()) opt_.mqtt_uri = mqtt_uri();
  cfg << "mqtt:\n  uri: \"" << opt_.mqtt_uri << "\"\n  client_id: " << opt_.client_id
      << "\n  topic_prefix: " << opt_.topic_prefix << "\n  keepalive_s: 10\n";
  if (!opt_.shared_group.empty()) cfg << "  shared_group: " << opt_.shared_group << "\n";
  if (!opt_.mqtt_username.empty()) {
    cfg << "  username: " << opt_.mqtt_username << "\n  password_file: " << opt_.mqtt_password_file << "\n";
  }
  cfg << opt_.mqtt_extra;
  cfg << opt_.extra_yaml;
  cfg << "database:\n  conninfo: \"" << (opt_.conninfo.empty() ? pg_conninfo() : opt_.conninfo)
      << "\"\nrules:\n  dir: " << rules_dir() << "\n";
  dir_.write("setiad.yaml", cfg.str());
}

Daemon::~Daemon() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    wait_pid(pid_);
  }
  if (notify_reader_.joinable()) {
    notify_reader_.request_stop();
    notify_reader_.join();
  }
  if (notify_fd_ >= 0) ::close(notify_fd_);
}

std::string Daemon::log() const { return read_file(dir_.path() / "setiad.log"); }

adapters::config::MqttConfig Daemon::mqtt_config(const std::string& client_id) const {
  adapters::config::MqttConfig c;
  c.uri = opt_.mqtt_uri;
  c.client_id = client_id;
  c.topic_prefix = opt_.topic_prefix;
  return c;
}

void Daemon::start() {
  ASSERT_LT(pid_, 0) << "already running";
  if (notify_fd_ < 0) {
    notify_path_ = (dir_.path() / "notify.sock").string();
    notify_fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    ASSERT_LT(notify_path_.size(), sizeof addr.sun_path);
    std::strcpy(addr.sun_path, notify_path_.c_str());
    ASSERT_EQ(::bind(notify_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0) << std::strerror(errno);
    notify_reader_ = std::jthread([this](std::stop_token stop) {
      while (!stop.stop_requested()) {
        pollfd p{notify_fd_, POLLIN, 0};
        if (::poll(&p, 1, 100) <= 0) continue;
        char buf[512];
        auto n = ::recv(notify_fd_, buf, sizeof buf - 1, 0);
        if (n > 0 && std::string(buf, static_cast<std::size_t>(n)).find("READY=1") != std::string::npos) {
          std::lock_guard lock(notify_mu_);
          ++ready_count_;
        }
      }
    });
  }
  auto ready_before = [this] {
    std::lock_guard lock(notify_mu_);
    return ready_count_;
  }();
  launch();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    {
      std::lock_guard lock(notify_mu_);
      if (ready_count_ > ready_before) return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      FAIL() << "setiad exited before READY=1:\n" << log();
    }
  }
  FAIL() << "setiad did not say READY=1 within 30 s:\n" << log();
}

void Daemon::launch() {
  ASSERT_LT(pid_, 0) << "already running";
  auto log_path = (dir_.path() / "setiad.log").string();
  std::vector<std::string> env;
  if (!notify_path_.empty()) env.push_back("NOTIFY_SOCKET=" + notify_path_);
  pid_ = spawn({SETIAD_PATH, "--config", config_path()}, log_path, log_path, env);
}

void Daemon::signal(int sig) const {
  if (pid_ > 0) ::kill(pid_, sig);
}

int Daemon::wait_exit() {
  if (pid_ < 0) return -1;
  int code = wait_pid(pid_);
  pid_ = -1;
  return code;
}

bool Daemon::wait_for_log(const std::string& text, std::chrono::seconds timeout, std::size_t from) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto l = log();
    if (l.size() > from && l.find(text, from) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

namespace {
int logged_port(const std::string& log, const std::string& marker) {
  auto pos = log.find(marker);
  if (pos == std::string::npos) return 0;
  return std::atoi(log.c_str() + pos + marker.size());
}
}  // namespace

int Daemon::rest_port() const { return logged_port(log(), "rest: listening on 127.0.0.1:"); }
int Daemon::ops_port() const { return logged_port(log(), "rest: ops listening on 127.0.0.1:"); }

std::string rest_yaml(const std::string& more) {
  // The defaults below, less the keys `more` sets itself.
  const std::vector<std::pair<std::string, std::string>> defaults{{"listen", "127.0.0.1:0"},
                                                                  {"public_url", "https://crm.example"},
                                                                  {"argon2_opslimit", "1"},
                                                                  {"argon2_memlimit_kib", "8192"},
                                                                  {"login_max_attempts_per_address", "100000"}};
  std::string out = "rest:\n";
  for (const auto& [k, v] : defaults) {
    if (more.find("  " + k + ":") == std::string::npos) out += "  " + k + ": " + v + "\n";
  }
  return out + more;
}

std::string admin_token(const Daemon& d, const std::string& store) {
  std::vector<std::string> argv{SETIACTL_PATH, "--config", d.config_path(), "admin", "token", "create"};
  if (store.empty()) {
    argv.emplace_back("--all");
  } else {
    argv.emplace_back("--store");
    argv.push_back(store);
  }
  auto r = run(argv);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::string token = r.out;
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
  return token;
}

int conninfo_port(const std::string& conninfo) {
  auto pos = conninfo.find("port=");
  if (pos == std::string::npos) return 5432;
  return std::stoi(conninfo.substr(pos + 5));
}

TcpProxy::TcpProxy(int target_port) : target_port_(target_port) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(listen_fd_, 64) != 0) {
    throw std::runtime_error(std::string("proxy: ") + std::strerror(errno));
  }
  socklen_t len = sizeof a;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
  port_ = ntohs(a.sin_port);
  threads_.emplace_back([this] { accept_loop(); });
}

TcpProxy::~TcpProxy() {
  stop_ = true;
  ++generation_;
  // The accept loop first: until it has ended it may still add a pump.
  std::thread acceptor;
  {
    std::lock_guard lock(mu_);
    acceptor = std::move(threads_.front());
  }
  acceptor.join();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  ::close(listen_fd_);
}

void TcpProxy::cut() {
  down_ = true;
  ++generation_;
}

void TcpProxy::restore() { down_ = false; }

void TcpProxy::accept_loop() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    int c = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (c < 0) continue;
    if (down_ || stop_) {
      ::close(c);
      continue;
    }
    std::lock_guard lock(mu_);
    threads_.emplace_back([this, c, g = generation_.load()] { pump(c, g); });
  }
}

void TcpProxy::pump(int client, int generation) {
  int server = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(target_port_));
  if (::connect(server, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(client);
    ::close(server);
    return;
  }
  char buf[16384];
  while (!stop_ && generation_.load() == generation) {
    pollfd p[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
    if (::poll(p, 2, 100) <= 0) continue;
    bool closed = false;
    for (int i = 0; i < 2 && !closed; ++i) {
      if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      auto n = ::read(p[i].fd, buf, sizeof buf);
      if (n <= 0 || ::write(p[1 - i].fd, buf, static_cast<std::size_t>(n)) != n) closed = true;
    }
    if (closed) break;
  }
  ::close(client);
  ::close(server);
}

void migrate(const Daemon& any) {
  static std::once_flag once;
  std::call_once(once, [&] {
    auto r = run({SETIACTL_PATH, "--config", any.config_path(), "db", "migrate"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  });
}

std::string add_member(const Daemon& d, const std::string& store, const std::string& name, const std::string& phone) {
  auto r = run({SETIACTL_PATH, "--config", d.config_path(), "member", "add", "--store", store, "--name", name,
                "--phone", phone});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::string code = r.out;
  while (!code.empty() && (code.back() == '\n' || code.back() == '\r')) code.pop_back();
  return code;
}

Probe::Probe(const std::vector<std::string>& filters) {
  client_ = std::make_unique<::mqtt::async_client>(mqtt_uri(), unique("probe"), ::mqtt::create_options(MQTTVERSION_5));
  client_->set_message_callback([this](const ::mqtt::const_message_ptr& m) {
    std::lock_guard lock(mu_);
    got_.emplace_back(m->get_topic(), m->get_payload_str());
    const auto& props = m->get_properties();
    if (props.contains(::mqtt::property::CORRELATION_DATA)) {
      correlation_.emplace_back(m->get_topic(), ::mqtt::get<std::string>(props, ::mqtt::property::CORRELATION_DATA));
    }
  });
  auto opts = ::mqtt::connect_options_builder().mqtt_version(MQTTVERSION_5).clean_start(true).finalize();
  client_->connect(opts)->wait();
  for (const auto& f : filters) client_->subscribe(f, 1)->wait();
}

Probe::~Probe() {
  try {
    client_->disconnect()->wait_for(std::chrono::seconds(5));
  } catch (...) {
  }
}

void Probe::publish(const std::string& topic, const std::string& payload) {
  client_->publish(::mqtt::make_message(topic, payload, 1, false))->wait();
}

void Probe::request(const std::string& topic, const std::string& payload, const std::string& response_topic,
                    const std::string& correlation) {
  auto msg = ::mqtt::make_message(topic, payload, 1, false);
  ::mqtt::properties props;
  props.add({::mqtt::property::RESPONSE_TOPIC, response_topic});
  props.add({::mqtt::property::CORRELATION_DATA, correlation});
  msg->set_properties(props);
  client_->publish(msg)->wait();
}

std::vector<std::string> Probe::correlations(const std::string& suffix) {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  for (const auto& [t, c] : correlation_) {
    if (t.ends_with(suffix)) out.push_back(c);
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> Probe::wait(const std::string& suffix, std::size_t n,
                                                             std::chrono::seconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    std::vector<std::pair<std::string, std::string>> match;
    {
      std::lock_guard lock(mu_);
      for (const auto& m : got_) {
        if (m.first.ends_with(suffix)) match.push_back(m);
      }
    }
    if (match.size() >= n || std::chrono::steady_clock::now() >= deadline) return match;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

std::unique_ptr<soci::session> db() { return std::make_unique<soci::session>(soci::postgresql, pg_conninfo()); }

long long scalar(soci::session& sql, const std::string& query) {
  long long v = 0;
  soci::indicator ind;
  sql << query, soci::into(v, ind);
  return ind == soci::i_ok ? v : 0;
}

std::string utc_text(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

nlohmann::json sale(const std::string& store, const std::string& event_id, const std::string& receipt, long long qty,
                    long long unit_price, const std::string& member) {
  nlohmann::json j = {{"schema", "setia.pos.sale/1"},
                      {"event_id", event_id},
                      {"store_id", store},
                      {"receipt_no", receipt},
                      {"occurred_at", "2026-11-23T10:00:00+07:00"},
                      {"items", nlohmann::json::array({{{"sku", "NC-01"},
                                                        {"name", "Nasi Cakalang"},
                                                        {"qty", qty},
                                                        {"unit_price", unit_price},
                                                        {"category", "food"}}})},
                      {"subtotal", qty * unit_price},
                      {"total", qty * unit_price}};
  if (!member.empty()) j["member"] = member;
  return j;
}

}  // namespace setia::it
