#pragma once

// setiactl's commands, one registration per file: each adds its
// subcommands, their typed options and their help to the app, and a
// callback that runs the command and sets ctx.exit_code.
#include <expected>
#include <optional>
#include <string>
#include <utility>

#include <CLI/CLI.hpp>

#include "adapters/cli/cli_support.h"

namespace setia::cli {

void add_ops_commands(CLI::App& app, Context& ctx);        // db, pos, deadletter, sale, device, outbox
void add_member_commands(CLI::App& app, Context& ctx);     // member add|show|export|erase|consents
void add_voucher_commands(CLI::App& app, Context& ctx);    // voucher issue|show|void
void add_loyalty_commands(CLI::App& app, Context& ctx);    // rewards, reward, promos, promo, points
void add_rules_commands(CLI::App& app, Context& ctx);  // rules check|simulate|backtest|versions|show|save|restore
void add_admin_commands(CLI::App& app, Context& ctx);  // admin add/list/..., admin key, admin token create
void add_store_commands(CLI::App& app, Context& ctx);  // store add|disable|enable|list

// The owner account of `store` with a random password: (id, password).
std::expected<std::pair<long long, std::string>, std::string> make_owner_account(const std::string& conninfo,
                                                                                 const std::string& store,
                                                                                 const std::string& login,
                                                                                 const std::string& name);
// A bearer token for the REST admin paths of `store` (none: every store).
std::expected<std::string, std::string> mint_admin_token(const std::string& conninfo,
                                                         const std::optional<std::string>& store, int valid_days);

}  // namespace setia::cli
