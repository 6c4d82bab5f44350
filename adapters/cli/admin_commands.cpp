// setiactl admin token create: a bearer token for the REST admin paths.
#include <cstdio>
#include <memory>

#include "adapters/cli/commands.h"
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

struct TokenOptions {
  std::optional<std::string> store;  // none: every store (--all)
  bool all = false;
  int valid_days = 365;
};

int token_create(Context& ctx, const TokenOptions& o) {
  auto token = mint_admin_token(ctx.conninfo("admin token create"), o.store, o.valid_days);
  if (!token) return fail(token.error());
  std::printf("%s\n", token->c_str());
  return 0;
}

}  // namespace

std::expected<std::string, std::string> mint_admin_token(const std::string& conninfo,
                                                         const std::optional<std::string>& store, int valid_days) {
  adapters::postgres::PgSession session(conninfo);
  adapters::postgres::PgCredentialStore credentials(session);
  adapters::postgres::PgLoginFailureStore login_failures(session);
  adapters::postgres::PgProfileStore profiles(session);
  adapters::postgres::PgMemberStore member_store(conninfo);
  core::Members members(member_store, random64);
  adapters::sodium::SodiumPasswordHasher hasher;
  adapters::sodium::SodiumTokenMinter tokens;
  core::SystemClock clock;
  core::LoginThrottle throttle({}, clock);
  core::Auth auth(credentials, login_failures, profiles, members, hasher, tokens, throttle, nullptr, clock, {}, "");
  auto token = auth.create_admin_token(store, std::chrono::hours(24) * valid_days);
  if (!token) return std::unexpected(token.error().message);
  return *token;
}

void add_admin_commands(CLI::App& app, Context& ctx) {
  auto* admin = app.add_subcommand("admin", "admins of the REST API")->require_subcommand(1);
  auto* token = admin->add_subcommand("token", "admin bearer tokens")->require_subcommand(1);
  auto o = std::make_shared<TokenOptions>();
  auto* create = token->add_subcommand(
      "create", "a bearer token for the REST admin paths of one store (or of every store); printed alone on stdout");
  auto* store = create->add_option("--store", o->store, "the store it may administer");
  auto* all = create->add_flag("--all", o->all, "it may administer every store")->excludes(store);
  create->add_option("--valid-days", o->valid_days, "days it stays valid")
      ->check(CLI::Range(1, 3650))
      ->capture_default_str();
  create->callback([&ctx, o, store, all] {
    if (store->count() + all->count() != 1) {
      ctx.exit_code = fail("admin token create needs exactly one of --store S or --all", 2);
      return;
    }
    ctx.exit_code = token_create(ctx, *o);
  });
}

}  // namespace setia::cli
