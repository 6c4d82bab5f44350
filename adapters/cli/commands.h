#pragma once

// setiactl's commands, one registration per file: each adds its
// subcommands, their typed options and their help to the app, and a
// callback that runs the command and sets ctx.exit_code.
#include <CLI/CLI.hpp>

#include "adapters/cli/cli_support.h"

namespace setia::cli {

void add_ops_commands(CLI::App& app, Context& ctx);        // db, pos, deadletter, sale, device, outbox
void add_member_commands(CLI::App& app, Context& ctx);     // member add|show
void add_voucher_commands(CLI::App& app, Context& ctx);    // voucher issue|show|void
void add_loyalty_commands(CLI::App& app, Context& ctx);    // rewards, reward, promos, promo, points
void add_rules_commands(CLI::App& app, Context& ctx);      // rules check|simulate|backtest
void add_admin_commands(CLI::App& app, Context& ctx);      // admin token create

}  // namespace setia::cli
