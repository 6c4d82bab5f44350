#pragma once

// What every setiactl command shares: the one way to fail, the config given
// with --config (loaded when a command first needs it), and the JSON and
// random helpers of the command files.
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "adapters/config/daemon_config.h"
#include "rules/rule_set.h"

namespace setia::cli {

// Prints "setiactl: MSG" on stderr and returns the exit code: 1 when the
// command failed, 2 when it was used wrongly.
int fail(const std::string& msg, int code = 1);

// Thrown from a command to end setiactl with this exit code after its
// message was printed (a config that does not load, a missing --config).
struct Exit {
  int code;
};

class Context {
 public:
  std::string config_path;  // --config; empty when not given
  int exit_code = 0;        // set by the command that ran

  // The config, or nullptr when --config was not given (rules check and
  // simulate work without one). A config that does not load ends setiactl.
  const adapters::config::DaemonConfig* config_if_given();
  // The config; ends setiactl with a usage error when --config was not given.
  const adapters::config::DaemonConfig& config(const std::string& command);
  // The database conninfo of the config, with its password file applied.
  std::string conninfo(const std::string& command);

 private:
  std::optional<adapters::config::DaemonConfig> config_;
};

std::uint64_t random64();

// Who runs this command, for audits: "cli:<user>", the person behind sudo
// when there is one.
std::string cli_actor();

// The rule files of `dir`, or none after their errors were printed.
std::optional<rules::RuleBook> load_rule_book(const std::string& dir);

template <typename T>
nlohmann::json or_null(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

}  // namespace setia::cli
