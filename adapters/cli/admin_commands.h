#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "adapters/config/daemon_config.h"

namespace setia::cli {

// setiactl's admin commands: `admin token create (--store S | --all)
// [--valid-days D]`, which prints the new bearer token alone on stdout.
// Returns the exit code, or none when `words` names none of them.
std::optional<int> run_admin_command(const adapters::config::DaemonConfig& cfg, const std::vector<std::string>& words,
                                     const std::map<std::string, std::string>& opts);

}  // namespace setia::cli
