#pragma once

// A Mosquitto of the test's own, configured as deploy/ ships it: the file
// deploy/mosquitto/setia.conf with only its listeners and paths changed
// (one plain listener on a free loopback port, persistence and the dynamic
// security file in a temp dir), its accounts made by
// deploy/mosquitto/setia-dynsec.sh through the plugin's control topic.
#include <string>

#include "harness.h"

namespace setia::it {

class SecuredBroker {
 public:
  // `prefix` is the topic prefix the accounts are made for (SETIA_PREFIX).
  explicit SecuredBroker(std::string prefix);
  ~SecuredBroker();
  SecuredBroker(const SecuredBroker&) = delete;
  SecuredBroker& operator=(const SecuredBroker&) = delete;

  std::string uri() const { return "tcp://127.0.0.1:" + std::to_string(port_); }
  int port() const { return port_; }
  // `setia-dynsec.sh daemon NAME PASSWORD_FILE [GROUP]`: the password file.
  std::string add_daemon(const std::string& name, const std::string& group);
  // `setia-dynsec.sh pos STORE TILL PASSWORD_FILE`: the password (the
  // account and its client id are STORE.TILL).
  std::string add_till(const std::string& store, const std::string& till);
  std::string log() const;
  // What setiactl needs to run setia-dynsec.sh (stores.broker_command):
  // the script, and its environment (SETIA_DYNSEC_CTRL, SETIA_PREFIX).
  static std::string dynsec_script();
  std::vector<std::string> dynsec_env() const;

 private:
  std::string dynsec(const std::vector<std::string>& args) const;
  std::string password_file(const std::string& name) const;

  std::string prefix_;
  TempDir dir_;
  int port_ = 0;
  int pid_ = -1;
};

}  // namespace setia::it
