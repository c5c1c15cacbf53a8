#include "cli/command_line.h"

#include <CLI/CLI.hpp>
#include <algorithm>

#include "cli/commands.h"
#include "cli/context.h"
#include "common/iso8601.h"
#include "protocol/envelope.h"

namespace kanjian::cli {
namespace {

// What a refused command line becomes under --json: the same error object
// as a refused command, its code saying what was wrong with the arguments.
Status ParseErrorStatus(const CLI::ParseError& e) {
  if (dynamic_cast<const CLI::ExtrasError*>(&e)) return Status::UnknownParameter(e.what());
  if (dynamic_cast<const CLI::RequiredError*>(&e) || dynamic_cast<const CLI::ArgumentMismatch*>(&e))
    return Status::MissingParameter(e.what());
  if (dynamic_cast<const CLI::ValidationError*>(&e) ||
      dynamic_cast<const CLI::ConversionError*>(&e))
    return Status::InvalidParameterValue(e.what());
  return Status::InvalidParameter(e.what());
}

}  // namespace

int RunCommandLine(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  GlobalOptions options;
  Context ctx(options, out, err);
  int exit_code = 0;

  CLI::App app{"Kanjian (看见): a self-hosted image-recognition cloud"};
  app.fallthrough();
  app.require_subcommand(1);
  app.add_option(
         "--db", options.db,
         "SQLite database path, or a PostgreSQL URI (postgresql://…; needs KANJIAN_MASTER_KEY)")
      ->envname("KANJIAN_DB")
      ->capture_default_str();
  app.add_flag("--json", options.json, "machine-readable output");
  // Parsed here, for every command: a malformed instant is refused, never
  // replaced by the wall clock.
  app.add_option_function<std::string>(
         "--at",
         [&options](const std::string& text) {
           auto at = ParseIso8601(text, kDisplayOffsetSeconds);
           if (!at.ok()) throw CLI::ValidationError("--at", at.status().message());
           options.at = *at;
         },
         "the instant the command acts at, ISO 8601 (default now)")
      ->type_name("ISO8601");

  AddAccountCommands(app, ctx, &exit_code);
  AddUsageCommands(app, ctx, &exit_code);
  AddServeCommand(app, ctx, &exit_code);
  AddModelCommands(app, ctx, &exit_code);
  AddBillingCommands(app, ctx, &exit_code);
  AddUserCommands(app, ctx, &exit_code);
  AddOperatorCommands(app, ctx, &exit_code);

  // CLI11 wants argv without the program name, last argument first.
  std::vector<std::string> rest(args.rbegin(), args.rend());
  if (!rest.empty()) rest.pop_back();
  try {
    app.parse(rest);
  } catch (const CLI::ParseError& e) {
    // --json may not have been applied when parsing stopped: look for it.
    const bool json = options.json || std::find(args.begin(), args.end(), "--json") != args.end();
    if (!json || e.get_exit_code() == 0) return app.exit(e, out, err);  // --help answers 0
    out << nlohmann::json{{"Error", protocol::ErrorJson(ParseErrorStatus(e))}}.dump() << "\n";
    return e.get_exit_code();
  }
  return exit_code;
}

}  // namespace kanjian::cli
