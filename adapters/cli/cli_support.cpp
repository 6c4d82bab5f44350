#include "adapters/cli/cli_support.h"

#include <cstdio>
#include <cstdlib>
#include <random>

#include <pwd.h>
#include <unistd.h>

#include "adapters/postgres/pg_session.h"
#include "rules/loader.h"

namespace setia::cli {

int fail(const std::string& msg, int code) {
  std::fprintf(stderr, "setiactl: %s\n", msg.c_str());
  return code;
}

const adapters::config::DaemonConfig* Context::config_if_given() {
  if (config_path.empty()) return nullptr;
  if (!config_) {
    auto c = adapters::config::load_daemon_config(config_path);
    if (!c) {
      for (const auto& e : c.error()) std::fprintf(stderr, "%s\n", e.to_string().c_str());
      throw Exit{1};
    }
    config_ = std::move(*c);
  }
  return &*config_;
}

const adapters::config::DaemonConfig& Context::config(const std::string& command) {
  if (const auto* c = config_if_given()) return *c;
  throw Exit{fail("--config FILE is needed for '" + command + "'", 2)};
}

std::string Context::conninfo(const std::string& command) {
  const auto& c = config(command);
  return adapters::postgres::conninfo_with_password(c.database.conninfo, c.database.password_file);
}

std::uint64_t random64() {
  static std::random_device rd;
  return (std::uint64_t{rd()} << 32) ^ rd();
}

std::string cli_actor() {
  if (const char* s = std::getenv("SUDO_USER"); s && *s) return std::string("cli:") + s;
  if (const passwd* pw = ::getpwuid(::geteuid())) return std::string("cli:") + pw->pw_name;
  return "cli:uid" + std::to_string(::geteuid());
}

std::optional<rules::RuleBook> load_rule_book(const std::string& dir) {
  auto book = rules::load_rule_dir(dir);
  if (!book) {
    for (const auto& e : book.error()) std::fprintf(stderr, "%s\n", e.to_string().c_str());
    return std::nullopt;
  }
  return std::move(*book);
}

}  // namespace setia::cli
