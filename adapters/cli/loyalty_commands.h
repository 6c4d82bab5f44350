#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "adapters/config/daemon_config.h"

namespace setia::cli {

// setiactl's points, rewards and promos commands (rewards list, reward
// redeem, promos list, promo claim, points show|adjust|expire). Returns the
// exit code, or none when `words` names none of them.
std::optional<int> run_loyalty_command(const adapters::config::DaemonConfig& cfg, const std::vector<std::string>& words,
                                       const std::map<std::string, std::string>& opts);

}  // namespace setia::cli
