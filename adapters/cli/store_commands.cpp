// setiactl store add|disable|enable|list: a hosted Setia's shops, each in
// one step (docs/operations.md, "Adding a shop").
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

#include "adapters/cli/commands.h"
#include "adapters/postgres/pg_session.h"
#include "adapters/postgres/pg_store_registry.h"
#include "core/domain/store_id.h"
#include "rules/loader.h"

extern char** environ;

namespace setia::cli {
namespace {

namespace fs = std::filesystem;

struct StoreOptions {
  std::string store, reason;
  std::vector<std::string> tills{"1"};
  int admin_days = 90;
  std::optional<std::string> owner;  // the owner's email: an account, not a token
  std::string owner_name = "Pemilik";
};

void require_store_id(const std::string& store) {
  if (!domain::is_valid_store_id(store)) {
    throw Exit{fail("store id '" + store + "' must match [a-z0-9][a-z0-9-]{0,62} (the POS topics' {store})", 2)};
  }
}

// Runs stores.broker_command with `args`, its output on ours; its exit code.
int run_broker_command(const std::string& command, const std::vector<std::string>& args) {
  std::vector<std::string> words{command};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  std::fflush(stdout);
  pid_t pid = 0;
  if (int e = ::posix_spawn(&pid, command.c_str(), nullptr, nullptr, argv.data(), environ); e != 0) {
    fail("cannot run stores.broker_command '" + command + "': " + std::strerror(e));
    return 127;
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// A till's broker password: 24 letters and digits without look-alikes.
std::string new_password() {
  static constexpr std::string_view kChars = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  std::string pw;
  for (int i = 0; i < 24; ++i) pw += kChars[random64() % kChars.size()];
  return pw;
}

// The template with {{store}} filled in, or why it cannot be read.
std::expected<std::string, std::string> filled_template(const std::string& path, const std::string& store) {
  std::ifstream in(path);
  if (!in) return std::unexpected("cannot read the template '" + path + "' (stores.template)");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  static constexpr std::string_view kMark = "{{store}}";
  if (text.find(kMark) == std::string::npos) {
    return std::unexpected("the template '" + path + "' has no {{store}}: every store would get the same id");
  }
  for (auto at = text.find(kMark); at != std::string::npos; at = text.find(kMark, at + store.size())) {
    text.replace(at, kMark.size(), store);
  }
  return text;
}

// Writes the store's rule file into the rules dir, checked first by the
// loader setiad uses: an error leaves nothing behind. The file appears
// whole (a link of a finished file), and never over an existing one.
std::expected<std::string, std::string> write_rule_file(const adapters::config::DaemonConfig& cfg,
                                                        const std::string& store) {
  const fs::path target = fs::path(cfg.rules.dir) / (store + ".yaml");
  if (fs::exists(target)) return std::unexpected(target.string() + " exists already");
  auto text = filled_template(cfg.stores.template_file, store);
  if (!text) return std::unexpected(text.error());
  // Not *.yaml: setiad's reload does not read it while it is checked.
  const fs::path draft = fs::path(cfg.rules.dir) / ("." + store + ".yaml.new");
  {
    std::ofstream out(draft, std::ios::trunc);
    out << *text;
    if (!out.flush()) return std::unexpected("cannot write " + draft.string());
  }
  auto remove_draft = std::unique_ptr<const fs::path, void (*)(const fs::path*)>(&draft, [](const fs::path* p) {
    std::error_code ec;
    fs::remove(*p, ec);
  });
  auto book = rules::load_rule_files({draft.string()});
  std::string errors;
  if (!book) {
    for (const auto& e : book.error()) errors += "\n  " + e.to_string();
  } else {
    for (const auto& e : book->errors()) errors += "\n  " + e.to_string();
    if (errors.empty() && !book->by_store.contains(store)) errors = "\n  it does not name store " + store;
  }
  if (!errors.empty()) {
    return std::unexpected("the template '" + cfg.stores.template_file + "' filled in for " + store +
                           " is not a valid rule file; nothing was written:" + errors);
  }
  if (::link(draft.c_str(), target.c_str()) != 0) {
    return std::unexpected("cannot create " + target.string() + ": " + std::strerror(errno));
  }
  return target.string();
}

int store_add(Context& ctx, const StoreOptions& o) {
  require_store_id(o.store);
  const auto& cfg = ctx.config("store add");
  adapters::postgres::PgSession session(ctx.conninfo("store add"));
  adapters::postgres::PgStoreRegistry registry(session);
  auto known = registry.stores();
  if (!known) return fail("cannot read the stores: " + known.error().message);
  for (const auto& s : *known) {
    if (s.store_id == o.store) return fail("store " + o.store + " exists already (setiactl store list)");
  }
  auto file = write_rule_file(cfg, o.store);
  if (!file) return fail(file.error());
  std::printf("rule file     %s (from %s, checked)\n", file->c_str(), cfg.stores.template_file.c_str());
  auto added = registry.add(o.store);
  if (!added) return fail("the rule file is written, but the store could not be recorded: " + added.error().message);
  std::printf("store         %s recorded\n", o.store.c_str());
  if (cfg.stores.broker_command.empty()) {
    std::printf(
        "broker        no stores.broker_command: make each till's account with "
        "setia-dynsec.sh pos %s TILL PASSWORD_FILE\n",
        o.store.c_str());
  } else {
    for (const auto& till : o.tills) {
      // The password goes to the script in a file (never on a command
      // line, which ps shows), then once on our stdout for the till.
      const std::string password = new_password();
      char path[] = "/tmp/setiactl-till-XXXXXX";
      int fd = ::mkstemp(path);
      if (fd < 0) return fail(std::string("cannot make a temporary password file: ") + std::strerror(errno));
      const std::string line = password + "\n";
      const bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
      ::close(fd);
      int rc = written ? run_broker_command(cfg.stores.broker_command, {"pos", o.store, till, path}) : 1;
      ::unlink(path);
      if (rc != 0) {
        return fail("the broker account " + o.store + "." + till + " could not be made (" + cfg.stores.broker_command +
                    " exited " + std::to_string(rc) +
                    "); the rule file and the store are in place: run it again by hand");
      }
      std::printf("till account  %s.%s (client id %s.%s) password %s\n", o.store.c_str(), till.c_str(), o.store.c_str(),
                  till.c_str(), password.c_str());
    }
  }
  // The store's first admin: its owner's account (docs/admin-accounts.md),
  // or, without --owner, an owner's bearer token as earlier releases made.
  if (o.owner) {
    auto owner = make_owner_account(ctx.conninfo("store add"), o.store, *o.owner, o.owner_name);
    if (!owner) return fail("the store is ready, but its owner's account could not be made: " + owner.error());
    std::printf(
        "owner         %s (admin %lld) password %s (shown once: POST /v1/admin/login, then PATCH "
        "/v1/admin/me)\n",
        o.owner->c_str(), owner->first, owner->second.c_str());
    return 0;
  }
  auto token = mint_admin_token(ctx.conninfo("store add"), o.store, o.admin_days);
  if (!token) return fail("the store is ready, but its admin token could not be made: " + token.error());
  std::printf("admin token   %s (store %s, valid %d days)\n", token->c_str(), o.store.c_str(), o.admin_days);
  return 0;
}

int store_toggle(Context& ctx, const StoreOptions& o, bool disable) {
  require_store_id(o.store);
  const std::string command = disable ? "store disable" : "store enable";
  const auto& cfg = ctx.config(command);
  adapters::postgres::PgSession session(ctx.conninfo(command));
  adapters::postgres::PgStoreRegistry registry(session);
  auto changed = registry.set_disabled(o.store, disable ? std::optional(o.reason) : std::nullopt);
  if (!changed) return fail("cannot record it: " + changed.error().message);
  std::printf("store         %s %s%s\n", o.store.c_str(), disable ? "disabled" : "enabled",
              *changed ? "" : " (it was already)");
  if (disable) {
    // A shop that is stopped keeps no admin access either: its owner's
    // tokens end now (a shop let back in gets a new one from an operator).
    auto revoked = registry.revoke_admin_tokens(o.store);
    if (!revoked)
      return fail("the store is disabled, but its admin tokens could not be ended: " + revoked.error().message);
    std::printf("admin tokens  %lld ended (setiactl admin token create --store %s makes a new one)\n", *revoked,
                o.store.c_str());
  }
  std::printf("setiad        %s its sales, refunds and lookups within 5 s%s\n", disable ? "answers" : "processes",
              disable ? " with dead letters (store_disabled)" : " again");
  if (cfg.stores.broker_command.empty()) {
    std::printf("broker        no stores.broker_command: %s its tills with setia-dynsec.sh %s-pos %s TILL\n",
                disable ? "refuse" : "let in", disable ? "disable" : "enable", o.store.c_str());
    return 0;
  }
  int rc = run_broker_command(cfg.stores.broker_command, {disable ? "disable-store" : "enable-store", o.store});
  if (rc != 0) {
    return fail(cfg.stores.broker_command + " exited " + std::to_string(rc) + ": the store is " +
                (disable ? "disabled" : "enabled") + " in setiad, but its tills' broker accounts are not");
  }
  return 0;
}

std::string utc_date(std::int64_t unix_seconds) {
  std::time_t t = unix_seconds;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
  return buf;
}

int store_list(Context& ctx) {
  const auto& cfg = ctx.config("store list");
  adapters::postgres::PgSession session(ctx.conninfo("store list"));
  adapters::postgres::PgStoreRegistry registry(session);
  auto recorded = registry.stores();
  if (!recorded) return fail("cannot read the stores: " + recorded.error().message);
  // A store is a rule file, a row, or both: both kinds are listed.
  struct Line {
    std::string state = "enabled", since = "-", rules = "none", reason;
  };
  std::map<std::string, Line> lines;
  for (const auto& s : *recorded) {
    auto& l = lines[s.store_id];
    l.since = utc_date(s.disabled_at.value_or(s.created_at)) + " UTC";
    if (s.disabled_at) {
      l.state = "DISABLED";
      l.reason = s.disabled_reason;
    }
  }
  auto book = rules::load_rule_dir_by_store(cfg.rules.dir, nullptr);
  if (book) {
    for (const auto& [store, rules] : book->by_store) lines[store].rules = "ok";
    for (const auto& [store, errors] : book->broken) lines[store].rules = "BROKEN";
    lines.erase("*");
  } else {
    std::fprintf(stderr, "setiactl: the rules dir %s cannot be read; rule files not shown\n", cfg.rules.dir.c_str());
  }
  std::printf("%-32s %-9s %-21s %-7s %s\n", "STORE", "STATE", "SINCE", "RULES", "REASON");
  for (const auto& [store, l] : lines) {
    std::printf("%-32s %-9s %-21s %-7s %s\n", store.c_str(), l.state.c_str(), l.since.c_str(), l.rules.c_str(),
                l.reason.c_str());
  }
  return 0;
}

}  // namespace

void add_store_commands(CLI::App& app, Context& ctx) {
  auto* store = app.add_subcommand("store", "the shops of a hosted Setia")->require_subcommand(1);
  auto o = std::make_shared<StoreOptions>();

  auto* add = store->add_subcommand(
      "add",
      "a new shop in one step: its rule file from stores.template (checked), its record, its tills' broker "
      "accounts (stores.broker_command) and its owner's account (--owner EMAIL) or admin token, printed");
  add->add_option("store", o->store, "the store id, [a-z0-9][a-z0-9-]{0,62}")->required();
  add->add_option("--till", o->tills, "a till's name (repeatable): broker account STORE.TILL")->capture_default_str();
  add->add_option("--owner", o->owner, "the owner's email: their admin account, with a password printed once");
  add->add_option("--owner-name", o->owner_name, "the owner's name")->capture_default_str();
  add->add_option("--admin-days", o->admin_days, "without --owner: days the owner's admin token stays valid")
      ->check(CLI::Range(1, 365))
      ->capture_default_str();
  add->callback([&ctx, o] { ctx.exit_code = store_add(ctx, *o); });

  auto* disable = store->add_subcommand(
      "disable", "stop a shop: its events become dead letters (store_disabled), its tills are refused by the broker");
  disable->add_option("store", o->store, "the store id")->required();
  disable->add_option("--reason", o->reason, "why, kept with the store and said in each dead letter")
      ->required()
      ->check(CLI::Validator(
          [](std::string& r) { return r.empty() ? std::string("a reason is needed") : std::string(); }, "TEXT"));
  disable->callback([&ctx, o] { ctx.exit_code = store_toggle(ctx, *o, true); });

  auto* enable = store->add_subcommand("enable", "let a disabled shop back in");
  enable->add_option("store", o->store, "the store id")->required();
  enable->callback([&ctx, o] { ctx.exit_code = store_toggle(ctx, *o, false); });

  auto* list = store->add_subcommand("list", "every shop: recorded or with a rule file, its state and its rules");
  list->callback([&ctx] { ctx.exit_code = store_list(ctx); });
}

}  // namespace setia::cli
