// Registration of each subcommand group on the CLI11 app. A command's
// callback sets *exit_code.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/context.h"

namespace kanjian::cli {

void AddAccountCommands(CLI::App& app, Context& ctx, int* exit_code);
void AddUsageCommands(CLI::App& app, Context& ctx, int* exit_code);
void AddServeCommand(CLI::App& app, Context& ctx, int* exit_code);
void AddModelCommands(CLI::App& app, Context& ctx, int* exit_code);     // model_commands.cc
void AddUserCommands(CLI::App& app, Context& ctx, int* exit_code);      // user_commands.cc
void AddOperatorCommands(CLI::App& app, Context& ctx, int* exit_code);  // user_commands.cc
// serve's settings resolved from its flags, the environment, the config
// file and defaults, `db` first (config_commands.cc; serve and config check).
Result<std::vector<ResolvedSetting>> ResolveServeSettings(CLI::App& serve,
                                                          const GlobalOptions& options);
void AddConfigCommands(CLI::App& app, Context& ctx, int* exit_code);  // config_commands.cc
// backup and restore (backup_commands.cc).
void AddBackupCommands(CLI::App& app, Context& ctx, int* exit_code);
// REQUIRES: the account and usage groups were added first.
void AddBillingCommands(CLI::App& app, Context& ctx, int* exit_code);
void AddAlertCommands(CLI::App& app, Context& ctx, int* exit_code);  // alert_commands.cc

}  // namespace kanjian::cli
