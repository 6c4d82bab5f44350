#pragma once

// tests/fake_fcm/fake_fcm.py as a child process with fresh keys and
// certificates (make_certs.sh), for the FCM adapter's tests and the
// end-to-end notification tests.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <curl/curl.h>
#include <nlohmann/json.hpp>

#include "adapters/fcm/fcm_options.h"

extern char** environ;

namespace setia::adapters::fcm {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* kProject = "setia-test";
constexpr const char* kClientEmail = "setia-push@setia-test.iam.gserviceaccount.com";
constexpr const char* kKeyId = "k1";
// Debian's python3: the one python3-cryptography is installed for.
constexpr const char* kPython = "/usr/bin/python3";

inline std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline int spawn(const std::vector<std::string>& argv, int stdout_fd, const fs::path& stderr_path) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  if (stdout_fd >= 0)
    posix_spawn_file_actions_adddup2(&fa, stdout_fd, 1);
  else
    posix_spawn_file_actions_addopen(&fa, 1, stderr_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, stderr_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, args[0], &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
  return pid;
}

inline int wait_exit(int pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// The fake FCM with fresh keys and certificates in a temp dir, for as long
// as this object lives.
class FakeFcm {
 public:
  FakeFcm() {
    std::random_device rd;
    dir_ = fs::temp_directory_path() / ("setia-fcm-" + std::to_string(getpid()) + "-" + std::to_string(rd()));
    fs::create_directories(dir_);
    const fs::path tools = fs::path(SETIA_SOURCE_DIR) / "tests" / "fake_fcm";
    if (int rc = wait_exit(spawn({"/bin/bash", (tools / "make_certs.sh").string(), dir_.string()}, -1, log())); rc != 0)
      throw std::runtime_error("make_certs.sh failed (" + std::to_string(rc) + "): " + read(log()));
    int out[2];
    if (pipe(out) != 0) throw std::runtime_error("pipe failed");
    pid_ = spawn({kPython, (tools / "fake_fcm.py").string(), "--cert", (dir_ / "server.pem").string(), "--key",
                  (dir_ / "server.key").string(), "--sa-public-key", (dir_ / "sa.pub").string(), "--client-email",
                  kClientEmail, "--key-id", kKeyId, "--project", kProject},
                 out[1], log());
    close(out[1]);
    // The first line is "PORT <n>"; give Python a generous start.
    std::string line;
    pollfd pfd{out[0], POLLIN, 0};
    char c;
    while (line.find('\n') == std::string::npos && poll(&pfd, 1, 15000) > 0 && ::read(out[0], &c, 1) == 1) line += c;
    close(out[0]);
    if (!line.starts_with("PORT ")) throw std::runtime_error("fake_fcm.py did not start: " + read(log()));
    port_ = std::stoi(line.substr(5));
  }

  ~FakeFcm() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      wait_exit(pid_);
    }
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  const fs::path& dir() const { return dir_; }
  fs::path log() const { return dir_ / "fake_fcm.log"; }
  std::string base() const { return "https://127.0.0.1:" + std::to_string(port_); }

  // A service-account key file, signed with `key` (sa.key is the one the
  // fake knows).
  std::string service_account(const std::string& key = "sa.key") const {
    const fs::path p = dir_ / ("service-account-" + key + ".json");
    std::ofstream(p) << json{{"type", "service_account"},    {"project_id", kProject},
                             {"private_key_id", kKeyId},     {"private_key", read(dir_ / key)},
                             {"client_email", kClientEmail}, {"token_uri", base() + "/token"}}
                            .dump(2);
    return p.string();
  }

  FcmOptions options(const std::string& key = "sa.key") const {
    FcmOptions o;
    o.project_id = kProject;
    o.service_account_file = service_account(key);
    o.endpoint = base();
    o.token_uri = base() + "/token";
    o.ca_file = (dir_ / "ca.pem").string();
    o.connect_timeout = 2000ms;
    o.request_timeout = 1500ms;
    return o;
  }

  json call(const std::string& path, const std::optional<json>& body = std::nullopt) const {
    CURL* curl = curl_easy_init();
    std::string out;
    const std::string payload = body ? body->dump() : std::string();
    curl_easy_setopt(curl, CURLOPT_URL, (base() + path).c_str());
    curl_easy_setopt(curl, CURLOPT_CAINFO, (dir_ / "ca.pem").c_str());
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 10000L);
    if (body) curl_easy_setopt(curl, CURLOPT_POSTFIELDS, payload.c_str());
    curl_easy_setopt(
        curl, CURLOPT_WRITEFUNCTION, +[](char* d, std::size_t s, std::size_t n, void* u) {
          static_cast<std::string*>(u)->append(d, s * n);
          return s * n;
        });
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &out);
    const CURLcode rc = curl_easy_perform(curl);
    curl_easy_cleanup(curl);
    if (rc != CURLE_OK) throw std::runtime_error("fake_fcm " + path + ": " + curl_easy_strerror(rc));
    return json::parse(out);
  }

  void inject(const json& next) const { call("/_control", json{{"next", next}}); }
  json messages() const { return call("/_messages").at("messages"); }
  json stats() const { return call("/_stats"); }
  void reset() const { call("/_reset", json::object()); }

 private:
  fs::path dir_;
  int pid_ = -1;
  int port_ = 0;
};

}  // namespace setia::adapters::fcm
