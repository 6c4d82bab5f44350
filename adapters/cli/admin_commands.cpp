// setiactl admin add|list|disable|enable|set-limit (people, with roles),
// admin key create|list|revoke (machines), admin token create (the old
// shared tokens): docs/admin-accounts.md.
#include <cstdio>
#include <fstream>
#include <memory>

#include "adapters/cli/commands.h"
#include "adapters/postgres/pg_admin_store.h"
#include "adapters/postgres/pg_credential_store.h"
#include "adapters/postgres/pg_login_failure_store.h"
#include "adapters/postgres/pg_member_store.h"
#include "adapters/postgres/pg_profile_store.h"
#include "adapters/postgres/pg_session.h"
#include "adapters/sodium/sodium_password_hasher.h"
#include "adapters/sodium/sodium_token_minter.h"
#include "core/services/admins.h"
#include "core/services/auth.h"
#include "core/services/store_time_text.h"

namespace setia::cli {
namespace {

struct TokenOptions {
  std::optional<std::string> store;  // none: every store (--all)
  bool all = false;
  int valid_days = 365;
};

// setiactl speaks as an operator: whoever holds the database's
// credentials may do anything already.
struct AdminTools {
  explicit AdminTools(const std::string& conninfo)
      : session(conninfo),
        credentials(session),
        login_failures(session),
        profiles(session),
        admin_store(session),
        member_store(conninfo),
        members(member_store, random64),
        auth(credentials, login_failures, profiles, members, hasher, tokens, throttle, nullptr, clock, {}, ""),
        admins(admin_store, credentials, auth, hasher, tokens, clock) {}
  adapters::postgres::PgSession session;
  adapters::postgres::PgCredentialStore credentials;
  adapters::postgres::PgLoginFailureStore login_failures;
  adapters::postgres::PgProfileStore profiles;
  adapters::postgres::PgAdminStore admin_store;
  adapters::postgres::PgMemberStore member_store;
  core::Members members;
  adapters::sodium::SodiumPasswordHasher hasher;
  adapters::sodium::SodiumTokenMinter tokens;
  core::SystemClock clock;
  core::LoginThrottle throttle{{}, clock};
  core::Auth auth;
  core::Admins admins;
  const core::Principal operator_principal{
      .role = core::Role::admin, .all_stores = true, .admin_role = core::AdminRole::operator_, .label = "setiactl"};
};

struct AddOptions {
  std::optional<std::string> store, password_file, points_limit;
  std::string login, name, role;
  bool is_operator = false;
};

struct ChangeOptions {
  long long id = 0;
  std::string limit;
};

struct KeyOptions {
  std::optional<std::string> store;
  std::string name, role = "staff";
  int days = 90;
  long long id = 0;
};

std::optional<long long> limit_of(const std::string& text) {
  if (text == "none") return std::nullopt;
  try {
    std::size_t used = 0;
    long long n = std::stoll(text, &used);
    if (used == text.size() && n >= 0) return n;
  } catch (const std::exception&) {
  }
  throw Exit{fail("--points-limit takes a whole number of points (0 or more) or 'none', not '" + text + "'", 2)};
}

int admin_add(Context& ctx, const AddOptions& o) {
  AdminTools t(ctx.conninfo("admin add"));
  core::AdminRequest r{.store_id = o.store, .login = o.login, .name = o.name, .role = o.role};
  bool generated = !o.password_file;
  if (o.password_file) {
    std::ifstream in(*o.password_file);
    if (!in || !std::getline(in, r.password)) return fail("cannot read a password from " + *o.password_file);
  } else {
    r.password = t.tokens.mint().substr(0, 20);  // 120 random bits, easy to type once
  }
  if (o.points_limit) r.points_limit = limit_of(*o.points_limit);
  auto a = t.admins.add(t.operator_principal, r, "setiactl");
  if (!a) return fail(a.error().message);
  std::printf("admin %lld: %s (%s, %s)\n", a->id, a->login.c_str(), std::string(core::admin_role_name(a->role)).c_str(),
              a->store_id ? a->store_id->c_str() : "every store");
  if (generated) {
    std::printf(
        "password: %s\n(shown once: they log in at POST /v1/admin/login and change it with PATCH /v1/admin/me)\n",
        r.password.c_str());
  }
  return 0;
}

int admin_list(Context& ctx, const std::optional<std::string>& store) {
  AdminTools t(ctx.conninfo("admin list"));
  auto rows = t.admins.list(t.operator_principal, store);
  if (!rows) return fail(rows.error().message);
  std::printf("%-6s %-24s %-32s %-9s %-12s %-9s %s\n", "ID", "STORE", "LOGIN", "ROLE", "POINTS_LIMIT", "STATE", "NAME");
  for (const auto& a : *rows) {
    std::printf("%-6lld %-24s %-32s %-9s %-12s %-9s %s\n", a.id, a.store_id.value_or("*").c_str(), a.login.c_str(),
                std::string(core::admin_role_name(a.role)).c_str(),
                a.points_limit ? std::to_string(*a.points_limit).c_str() : "-", a.disabled_at ? "disabled" : "enabled",
                a.name.c_str());
  }
  return 0;
}

int admin_change(Context& ctx, long long id, const core::AdminPatch& p, const char* what) {
  AdminTools t(ctx.conninfo(what));
  auto a = t.admins.change(t.operator_principal, id, p);
  if (!a) return fail(a.error().message);
  std::printf("admin %lld: %s, %s, points limit %s\n", a->id, a->login.c_str(), a->disabled_at ? "disabled" : "enabled",
              a->points_limit ? std::to_string(*a->points_limit).c_str() : "none");
  return 0;
}

int key_create(Context& ctx, const KeyOptions& o) {
  AdminTools t(ctx.conninfo("admin key create"));
  auto k = t.admins.create_key(t.operator_principal,
                               {.store_id = o.store, .name = o.name, .role = o.role, .days = o.days}, "setiactl");
  if (!k) return fail(k.error().message);
  std::fprintf(stderr, "API key %lld '%s' (%s, %s), valid until %s; shown once:\n", k->row.id, k->row.name.c_str(),
               std::string(core::admin_role_name(k->row.role)).c_str(),
               k->row.store_id ? k->row.store_id->c_str() : "every store",
               core::store_time_text(k->row.expires_at, nullptr).c_str());
  std::printf("%s\n", k->key.c_str());
  return 0;
}

int key_list(Context& ctx, const std::optional<std::string>& store) {
  AdminTools t(ctx.conninfo("admin key list"));
  auto rows = t.admins.keys(t.operator_principal, store);
  if (!rows) return fail(rows.error().message);
  std::printf("%-6s %-24s %-9s %-21s %-24s %s\n", "ID", "STORE", "ROLE", "EXPIRES", "CREATED_BY", "NAME");
  for (const auto& k : *rows) {
    std::printf("%-6lld %-24s %-9s %-21s %-24s %s\n", k.id, k.store_id.value_or("*").c_str(),
                std::string(core::admin_role_name(k.role)).c_str(),
                core::store_time_text(k.expires_at, nullptr).c_str(), k.created_by.c_str(), k.name.c_str());
  }
  return 0;
}

int key_revoke(Context& ctx, long long id) {
  AdminTools t(ctx.conninfo("admin key revoke"));
  if (auto done = t.admins.revoke_key(t.operator_principal, id); !done) return fail(done.error().message);
  std::printf("API key %lld revoked\n", id);
  return 0;
}

int token_create(Context& ctx, const TokenOptions& o) {
  auto token = mint_admin_token(ctx.conninfo("admin token create"), o.store, o.valid_days);
  if (!token) return fail(token.error());
  std::printf("%s\n", token->c_str());
  return 0;
}

}  // namespace

std::expected<std::pair<long long, std::string>, std::string> make_owner_account(const std::string& conninfo,
                                                                                 const std::string& store,
                                                                                 const std::string& login,
                                                                                 const std::string& name) {
  AdminTools t(conninfo);
  core::AdminRequest r{.store_id = store, .login = login, .name = name, .role = "owner"};
  r.password = t.tokens.mint().substr(0, 20);
  auto a = t.admins.add(t.operator_principal, r, "setiactl store add");
  if (!a) return std::unexpected(a.error().message);
  return std::make_pair(a->id, r.password);
}

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

static void add_account_commands(CLI::App* admin, Context& ctx) {
  auto a = std::make_shared<AddOptions>();
  auto* add = admin->add_subcommand("add", "a person who runs a store's programme (or, --operator, every store's)");
  auto* store = add->add_option("--store", a->store, "their store");
  add->add_flag("--operator", a->is_operator, "an operator of every store (role operator)")->excludes(store);
  add->add_option("--login", a->login, "their email address: they log in with it")->required();
  add->add_option("--name", a->name, "their name")->required();
  add->add_option("--role", a->role, "owner (everything in the store, its admins) or staff")
      ->check(CLI::IsMember({"owner", "staff"}));
  add->add_option("--points-limit", a->points_limit, "staff: the largest points adjustment either way (default none)");
  add->add_option("--password-file", a->password_file,
                  "their first password, first line of this file (default: a random one, printed once)");
  add->callback([&ctx, a, store] {
    if (a->is_operator) {
      a->role = "operator";
    } else if (store->count() == 0 || a->role.empty()) {
      ctx.exit_code = fail("admin add needs --store S --role owner|staff, or --operator", 2);
      return;
    }
    ctx.exit_code = admin_add(ctx, *a);
  });

  auto list_store = std::make_shared<std::optional<std::string>>();
  auto* list = admin->add_subcommand("list", "the admin accounts of one store (--store) or of all");
  list->add_option("--store", *list_store, "only this store's");
  list->callback([&ctx, list_store] { ctx.exit_code = admin_list(ctx, *list_store); });

  auto c = std::make_shared<ChangeOptions>();
  for (const char* name : {"disable", "enable"}) {
    bool off = std::string(name) == "disable";
    auto* cmd = admin->add_subcommand(
        name, off ? "disable an account: its sessions end, it cannot log in" : "let a disabled account log in again");
    cmd->add_option("id", c->id, "the account's id (admin list)")->required();
    cmd->callback(
        [&ctx, c, off, name] { ctx.exit_code = admin_change(ctx, c->id, core::AdminPatch{.disabled = off}, name); });
  }
  auto* limit = admin->add_subcommand("set-limit", "a staff account's largest points adjustment");
  limit->add_option("id", c->id, "the account's id")->required();
  limit->add_option("points", c->limit, "points (0 or more), or none: no adjustments")->required();
  limit->callback([&ctx, c] {
    ctx.exit_code = admin_change(ctx, c->id, core::AdminPatch{.points_limit = limit_of(c->limit)}, "admin set-limit");
  });

  auto k = std::make_shared<KeyOptions>();
  auto* key =
      admin->add_subcommand("key", "API keys: named machine credentials of at most 90 days")->require_subcommand(1);
  auto* kc = key->add_subcommand("create", "a key for one store (or, role operator, every store); printed once");
  kc->add_option("--store", k->store, "its store");
  kc->add_option("--name", k->name, "what uses it, e.g. 'kiosk meja 3'")->required();
  kc->add_option("--role", k->role, "staff, owner or operator")
      ->check(CLI::IsMember({"owner", "staff", "operator"}))
      ->capture_default_str();
  kc->add_option("--days", k->days, "days it stays valid")->check(CLI::Range(1, 90))->capture_default_str();
  kc->callback([&ctx, k] { ctx.exit_code = key_create(ctx, *k); });
  auto* kl = key->add_subcommand("list", "the keys not expired, of one store or of all");
  kl->add_option("--store", k->store, "only this store's");
  kl->callback([&ctx, k] { ctx.exit_code = key_list(ctx, k->store); });
  auto* kr = key->add_subcommand("revoke", "a key stops working at once");
  kr->add_option("id", k->id, "the key's id (admin key list)")->required();
  kr->callback([&ctx, k] { ctx.exit_code = key_revoke(ctx, k->id); });
}

void add_admin_commands(CLI::App& app, Context& ctx) {
  auto* admin =
      app.add_subcommand("admin", "admins of the REST API: accounts, API keys, old tokens")->require_subcommand(1);
  add_account_commands(admin, ctx);
  auto* token = admin->add_subcommand("token", "admin bearer tokens")->require_subcommand(1);
  auto o = std::make_shared<TokenOptions>();
  auto* create = token->add_subcommand(
      "create",
      "a bearer token for the REST admin paths of one store (or of every store); printed alone on stdout. Kept for "
      "what uses it today: prefer accounts (admin add) and API keys (admin key create)");
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
