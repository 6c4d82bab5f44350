#pragma once

#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "adapters/config/daemon_config.h"

namespace setia::adapters::config {

// Every key of the daemon config, declared once: its dotted path, the
// member it fills, its range (integers), and one line of doc
// (docs/configuration.md says more, and a unit test checks that it lists
// every key). The defaults are the members' initialisers in
// daemon_config.h. This table drives the parser (which keys a section
// takes, unknown ones refused, types and ranges) and --check-config's
// listing of what differs from the defaults.
using TextField = std::string& (*)(DaemonConfig&);
using IntField = int& (*)(DaemonConfig&);
using FlagField = bool& (*)(DaemonConfig&);

struct ConfigKey {
  std::string_view path;  // "mqtt.keepalive_s"
  std::variant<TextField, IntField, FlagField> field;
  int min = 0, max = 0;  // integers only
  std::string_view doc;
};

std::span<const ConfigKey> config_keys();

// The key's value in `c`, as the config file would write it.
std::string value_text(const ConfigKey& key, const DaemonConfig& c);

}  // namespace setia::adapters::config
