// setiactl: the command line of admins and operators. A composition root
// like setiad: each command wires the adapters it needs to core services.
// The commands, their options and their help are declared with CLI11
// (commands.h); this file only assembles and runs them.
#include <cstdio>
#include <exception>
#include <string>

#include "adapters/cli/commands.h"
#include "core/support/log.h"

namespace {

// `setiactl help`: every command with what it does, one line each, however
// deep it sits (admin token create), then where its options are.
void list_commands(const CLI::App& app, const std::string& words, std::string& out) {
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    const std::string these = words + " " + sub->get_name();
    if (!sub->get_subcommands([](const CLI::App*) { return true; }).empty()) {
      list_commands(*sub, these, out);
      continue;
    }
    out += "  " + these + std::string(these.size() < 30 ? 30 - these.size() : 1, ' ') + sub->get_description() + "\n";
  }
}

std::string command_list(const CLI::App& app) {
  std::string out = app.get_description() + "\nUsage: setiactl [--config FILE] COMMAND [OPTIONS]\n\nCommands:\n";
  list_commands(app, "setiactl", out);
  return out + "\nsetiactl COMMAND --help shows a command's options.\n";
}

int run(int argc, char** argv) {
  using namespace setia::cli;
  Context ctx;
  CLI::App app{"setiactl: the command line of Setia's admins and operators", "setiactl"};
  app.add_option("--config", ctx.config_path, "setiad's config file (the database, the broker, the rules dir)");
  app.require_subcommand(1);
  app.fallthrough();  // --config may also come after the command words
  add_ops_commands(app, ctx);
  add_member_commands(app, ctx);
  add_voucher_commands(app, ctx);
  add_loyalty_commands(app, ctx);
  add_rules_commands(app, ctx);
  add_admin_commands(app, ctx);
  add_store_commands(app, ctx);

  if (argc == 2 && std::string(argv[1]) == "help") {
    std::fputs(command_list(app).c_str(), stdout);
    return 0;
  }
  setia::log::set_level("warn");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    if (argc == 1) std::fputs(command_list(app).c_str(), stderr);
    return fail(std::string(e.what()) + " (setiactl COMMAND --help shows its options)", 2);
  } catch (const Exit& e) {
    return e.code;
  } catch (const std::exception& e) {
    return fail(e.what());
  }
  return ctx.exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  // Nothing escapes: CLI11 also throws while the commands are declared.
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    return setia::cli::fail(e.what());
  } catch (...) {
    return setia::cli::fail("unexpected error");
  }
}
