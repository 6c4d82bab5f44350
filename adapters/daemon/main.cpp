// setiad's entry: the arguments, the config and the rules, then
// setiad::Daemon (adapters/daemon/daemon.h) runs it.
#include <cstdio>
#include <string>

#include "adapters/config/config_keys.h"
#include "adapters/config/daemon_config.h"
#include "adapters/daemon/daemon.h"
#include "core/support/log.h"
#include "rules/registry.h"

namespace {

using namespace setia;

void usage() {
  std::fputs(
      "usage: setiad --config FILE [--check-config]\n"
      "  --config FILE     the daemon config (YAML; docs/configuration.md)\n"
      "  --check-config    validate the config and the rule files, print errors (or the keys that\n"
      "                    differ from their defaults), exit 0/1\n"
      "Signals: SIGHUP reloads the rule files (a store whose file is broken keeps its rules); SIGTERM drains and exits\n"
      "0.\n",
      stderr);
}

void print_errors(const rules::LoadErrors& errors) {
  for (const auto& e : errors) std::fprintf(stderr, "%s\n", e.to_string().c_str());
}

}  // namespace

int main(int argc, char** argv) {
  std::string config_path;
  bool check = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--config" && i + 1 < argc) {
      config_path = argv[++i];
    } else if (a == "--check-config") {
      check = true;
    } else if (a == "--help" || a == "-h") {
      usage();
      return 0;
    } else {
      std::fprintf(stderr, "setiad: unknown argument '%s'\n", a.c_str());
      usage();
      return 2;
    }
  }
  if (config_path.empty()) {
    usage();
    return 2;
  }
  auto cfg = setia::adapters::config::load_daemon_config(config_path);
  if (!cfg) {
    print_errors(cfg.error());
    return 1;
  }
  setia::log::set_level(cfg->log.level);
  setia::rules::Registry registry(cfg->rules.dir);
  auto book = registry.reload();
  if (!book) {
    print_errors(book.error());
    return 1;
  }
  if (auto errors = (*book)->errors(); !errors.empty()) {
    // A check says no; a start runs every store whose file is good, and
    // answers the others' events with a dead letter (rules_unavailable)
    // until their file is fixed (Daemon::reload_rules says the same).
    print_errors(errors);
    if (check) return 1;
    std::fprintf(stderr, "setiad: starting with the rules of the good files; broken: %s\n",
                 setia::rules::broken_stores_text(**book).c_str());
  }
  if (check) {
    std::printf("%s: OK; %zu rule file(s) in %s, version %s\n", config_path.c_str(), (*book)->files.size(),
                cfg->rules.dir.c_str(), (*book)->version.c_str());
    // What this file changes; every other key has its default.
    const setia::adapters::config::DaemonConfig defaults;
    for (const auto& key : setia::adapters::config::config_keys()) {
      auto value = setia::adapters::config::value_text(key, *cfg);
      auto preset = setia::adapters::config::value_text(key, defaults);
      if (value != preset) {
        std::printf("  %.*s: %s (default %s)\n", static_cast<int>(key.path.size()), key.path.data(), value.c_str(),
                    preset.c_str());
      }
    }
    std::printf("  REST API %s, FCM pushes %s\n", cfg->has_rest ? "on" : "off (no rest section)",
                cfg->has_fcm ? "on" : "off (no fcm section)");
    return 0;
  }
  try {
    return setia::setiad::Daemon(*cfg, registry).run();
  } catch (const std::exception& e) {
    setia::log::get("daemon")->critical("fatal: {}", e.what());
    return 1;
  }
}
