#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "adapters/config/daemon_config.h"

namespace setia::cli {

// setiactl rules simulate | rules backtest: what rules would do, changing
// nothing. Returns the exit code, or none when `words` names neither.
std::optional<int> run_rules_command(const adapters::config::DaemonConfig* cfg, const std::vector<std::string>& words,
                                     const std::map<std::string, std::string>& opts);

}  // namespace setia::cli
