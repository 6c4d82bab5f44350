#include "secured_broker.h"

#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace setia::it {
namespace {

const std::string kShippedConf = std::string(SETIA_SOURCE_DIR) + "/deploy/mosquitto/setia.conf";
const std::string kDynsecScript = std::string(SETIA_SOURCE_DIR) + "/deploy/mosquitto/setia-dynsec.sh";

std::string random_password() {
  static const char kChars[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  std::random_device rd;
  std::string pw;
  for (int i = 0; i < 24; ++i) pw += kChars[rd() % (sizeof kChars - 1)];
  return pw;
}

// The shipped file, its listeners (and their TLS files) and the plugin's
// file path left out; everything else as it is.
std::string shipped_conf_without_listeners() {
  std::ifstream in(kShippedConf);
  if (!in) throw std::runtime_error("cannot read " + kShippedConf);
  std::ostringstream out;
  std::string line;
  bool plugin = false;
  auto dropped = [](const std::string& l) {
    for (const char* key :
         {"listener ", "certfile ", "keyfile ", "tls_version ", "cafile ", "plugin_opt_config_file "}) {
      if (l.starts_with(key)) return true;
    }
    return false;
  };
  while (std::getline(in, line)) {
    if (dropped(line)) continue;
    if (line.starts_with("plugin ")) plugin = true;
    out << line << "\n";
  }
  if (!plugin) throw std::runtime_error(kShippedConf + " loads no plugin");
  return out.str();
}

}  // namespace

SecuredBroker::SecuredBroker(std::string prefix) : prefix_(std::move(prefix)) {
  const auto dir = dir_.path().string();
  dir_.write("admin.pw", random_password() + "\n");
  dynsec({"init", dir + "/dynamic-security.json", dir + "/admin.pw"});
  port_ = free_loopback_port();
  std::ostringstream conf;
  conf << shipped_conf_without_listeners() << "\n# The test's own listener and paths:\n"
       << "listener " << port_ << " 127.0.0.1\n"
       << "plugin_opt_config_file " << dir << "/dynamic-security.json\n"
       << "persistence_location " << dir << "/\n"
       << "log_dest file " << dir << "/mosquitto.log\n";
  // As root mosquitto would switch to the user "mosquitto", who cannot
  // write this temp dir; the shipped setup runs it as that user.
  if (::geteuid() == 0) conf << "user root\n";
  dir_.write("mosquitto.conf", conf.str());
  std::string admin_pw;
  std::getline(std::ifstream(dir + "/admin.pw"), admin_pw);
  dir_.write("ctrl.conf",
             "-h 127.0.0.1\n-p " + std::to_string(port_) + "\n-u setia-admin\n-P " + admin_pw + "\n-i setia-admin\n");
  pid_ =
      spawn({"/usr/sbin/mosquitto", "-c", dir + "/mosquitto.conf"}, dir + "/mosquitto.out", dir + "/mosquitto.out", {});
  for (int i = 0; i < 100 && !accepts_on_loopback(port_); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  if (!accepts_on_loopback(port_))
    throw std::runtime_error("mosquitto did not listen: " + read_file(dir + "/mosquitto.out") + log());
}

SecuredBroker::~SecuredBroker() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    wait_pid(pid_);
  }
}

std::string SecuredBroker::log() const { return read_file(dir_.path() / "mosquitto.log"); }

std::string SecuredBroker::password_file(const std::string& name) const {
  dir_.write(name + ".pw", random_password() + "\n");
  return (dir_.path() / (name + ".pw")).string();
}

std::string SecuredBroker::dynsec_script() { return kDynsecScript; }

std::vector<std::string> SecuredBroker::dynsec_env() const {
  return {"SETIA_PREFIX=" + prefix_, "SETIA_DYNSEC_CTRL=" + (dir_.path() / "ctrl.conf").string()};
}

std::string SecuredBroker::dynsec(const std::vector<std::string>& args) const {
  std::vector<std::string> argv{"/usr/bin/env"};
  for (const auto& e : dynsec_env()) argv.push_back(e);
  argv.push_back(kDynsecScript);
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = run(argv);
  if (r.exit_code != 0) throw std::runtime_error("setia-dynsec.sh " + args[0] + " failed: " + r.out + r.err);
  return r.out;
}

std::string SecuredBroker::add_daemon(const std::string& name, const std::string& group) {
  auto file = password_file(name);
  std::vector<std::string> args{"daemon", name, file};
  if (!group.empty()) args.push_back(group);
  dynsec(args);
  return file;
}

std::string SecuredBroker::add_till(const std::string& store, const std::string& till) {
  auto file = password_file(store + "." + till);
  dynsec({"pos", store, till, file});
  std::string pw;
  std::getline(std::ifstream(file), pw);
  return pw;
}

}  // namespace setia::it
