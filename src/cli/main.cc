// kanjian: one binary, many subcommands. Global options stand before the
// subcommand (accepted after it too): --db, --json, --at.
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/context.h"

int main(int argc, char** argv) {
  using namespace kanjian::cli;
  // Logs go to stderr so that --json output on stdout stays machine-readable.
  spdlog::set_default_logger(spdlog::stderr_logger_mt("kanjian"));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %l %v");

  GlobalOptions options;
  Context ctx(options);
  int exit_code = 0;

  CLI::App app{"Kanjian (看见): a self-hosted image-recognition cloud"};
  app.fallthrough();
  app.require_subcommand(1);
  app.add_option("--db", options.db, "SQLite database path")->envname("KANJIAN_DB")->capture_default_str();
  app.add_flag("--json", options.json, "machine-readable output");
  app.add_option("--at", options.at, "the instant the command acts at, ISO 8601 (default now)");

  AddAccountCommands(app, ctx, &exit_code);
  AddUsageCommands(app, ctx, &exit_code);
  AddServeCommand(app, ctx, &exit_code);
  AddModelCommands(app, ctx, &exit_code);
  AddBillingCommands(app, ctx, &exit_code);
  AddUserCommands(app, ctx, &exit_code);
  AddOperatorCommands(app, ctx, &exit_code);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return exit_code;
}
