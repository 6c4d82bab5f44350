#include "adapters/cli/admin_commands.h"

#include <cstdio>
#include <random>

#include "adapters/postgres/pg_credential_store.h"
#include "adapters/postgres/pg_login_failure_store.h"
#include "adapters/postgres/pg_member_store.h"
#include "adapters/postgres/pg_profile_store.h"
#include "adapters/postgres/pg_session.h"
#include "adapters/sodium/sodium_password_hasher.h"
#include "adapters/sodium/sodium_token_minter.h"
#include "core/services/auth.h"

namespace setia::cli {
namespace {

int fail(const std::string& msg, int code = 1) {
  std::fprintf(stderr, "setiactl: %s\n", msg.c_str());
  return code;
}

}  // namespace

std::optional<int> run_admin_command(const adapters::config::DaemonConfig& cfg, const std::vector<std::string>& words,
                                     const std::map<std::string, std::string>& opts) {
  if (words.empty() || words[0] != "admin") return std::nullopt;
  if (words.size() != 3 || words[1] != "token" || words[2] != "create") {
    return fail("usage: admin token create (--store S | --all) [--valid-days D]", 2);
  }
  for (const auto& [k, v] : opts) {
    if (k != "store" && k != "all" && k != "valid-days") return fail("unknown option --" + k, 2);
  }
  bool all = opts.contains("all");
  if (all == opts.contains("store")) return fail("admin token create needs exactly one of --store S or --all", 2);
  int days = 365;
  if (auto it = opts.find("valid-days"); it != opts.end()) {
    try {
      days = std::stoi(it->second);
    } catch (const std::exception&) {
      days = 0;
    }
    if (days < 1 || days > 3650) return fail("--valid-days must be 1 to 3650", 2);
  }
  const std::string conninfo =
      adapters::postgres::conninfo_with_password(cfg.database.conninfo, cfg.database.password_file);
  adapters::postgres::PgSession session(conninfo);
  adapters::postgres::PgCredentialStore credentials(session);
  adapters::postgres::PgLoginFailureStore login_failures(session);
  adapters::postgres::PgProfileStore profiles(session);
  adapters::postgres::PgMemberStore member_store(conninfo);
  std::random_device rd;
  core::Members members(member_store, [&rd] { return (std::uint64_t{rd()} << 32) ^ rd(); });
  adapters::sodium::SodiumPasswordHasher hasher;
  adapters::sodium::SodiumTokenMinter tokens;
  core::SystemClock clock;
  core::LoginThrottle throttle({}, clock);
  core::Auth auth(credentials, login_failures, profiles, members, hasher, tokens, throttle, nullptr, clock, {}, "");
  std::optional<std::string> store;
  if (!all) store = opts.at("store");
  auto token = auth.create_admin_token(store, std::chrono::hours(24) * days);
  if (!token) return fail(token.error().message);
  std::printf("%s\n", token->c_str());
  return 0;
}

}  // namespace setia::cli
