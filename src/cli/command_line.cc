#include "cli/command_line.h"

#include <CLI/CLI.hpp>
#include <algorithm>

#include "cli/commands.h"
#include "cli/context.h"
#include "cli/settings.h"
#include "common/build_info.h"
#include "common/error_codes.h"
#include "common/iso8601.h"
#include "protocol/envelope.h"
#include "protocol/error_table.h"
#include "store/pg/pg_store.h"
#include "store/schema_version.h"

namespace kanjian::cli {
namespace {

// A config file (or its db key) that cannot be used: refused before any
// command runs, as InvalidConfiguration naming the file, line and key.
class ConfigError : public CLI::ParseError {
 public:
  explicit ConfigError(Status status)
      : CLI::ParseError("ConfigError", std::string(status.message()),
                        CLI::ExitCodes::ValidationError),
        status_(std::move(status)) {}
  const Status& status() const { return status_; }

 private:
  Status status_;
};

// What a refused command line becomes under --json: the same error object
// as a refused command, its code saying what was wrong with the arguments.
Status ParseErrorStatus(const CLI::ParseError& e) {
  if (auto* config = dynamic_cast<const ConfigError*>(&e)) return config->status();
  if (dynamic_cast<const CLI::ExtrasError*>(&e)) return Status::UnknownParameter(e.what());
  if (dynamic_cast<const CLI::RequiredError*>(&e) || dynamic_cast<const CLI::ArgumentMismatch*>(&e))
    return Status::MissingParameter(e.what());
  if (dynamic_cast<const CLI::ValidationError*>(&e) ||
      dynamic_cast<const CLI::ConversionError*>(&e))
    return Status::InvalidParameterValue(e.what());
  return Status::InvalidParameter(e.what());
}

// --config (else $KANJIAN_CONFIG), parsed; then --db from the flag, else
// $KANJIAN_DB, else the file's `db`, else its default. The file's other
// keys are serve's (cli/settings.h): any other command only checks that
// each key is one.
void ResolveGlobalOptions(CLI::App& app, GlobalOptions& options) {
  if (options.config_path.empty())
    if (auto env = ProcessEnv("KANJIAN_CONFIG")) options.config_path = *env;
  if (!options.config_path.empty()) {
    auto file = ConfigFile::Load(options.config_path);
    if (!file.ok()) throw ConfigError(file.status());
    options.config = std::move(file).value();
    std::vector<std::string> known = {"db"};
    for (const CLI::Option* option : app.get_subcommand("serve")->get_options())
      if (!option->get_lnames().empty()) known.push_back(option->get_lnames().front());
    if (Status s = options.config->CheckKeys(known); !s.ok()) throw ConfigError(s);
  }
  if (app.get_option("--db")->count() > 0) {
    options.db_source = "flag";
  } else if (auto env = ProcessEnv("KANJIAN_DB")) {
    options.db = *env;
    options.db_source = "env";
    options.db_where = "KANJIAN_DB";
  } else if (const auto* entry = options.config ? options.config->Find("db") : nullptr) {
    const std::string where = options.config->path() + ":" + std::to_string(entry->line);
    if (entry->kind != ConfigFile::Entry::Kind::kString)
      throw ConfigError(Status(errc::kInvalidConfiguration, where + ": 'db' must be a string"));
    options.db = entry->words.front();
    options.db_source = "file";
    options.db_where = where;
  }
}

// kanjian --version [--db PATH]: the release, the commit, and with --db the
// schema version the database holds beside the one this binary knows.
int PrintVersion(Context& ctx, const GlobalOptions& options) {
  nlohmann::json json = {{"Version", BuildVersion()}, {"Commit", BuildCommit()}};
  std::string text =
      "kanjian " + std::string(BuildVersion()) + " (commit " + std::string(BuildCommit()) + ")";
  if (options.db_source != "default") {
    auto version = store::pg::IsPostgresUri(options.db)
                       ? store::pg::ReadPgSchemaVersion(options.db)
                       : store::ReadSqliteSchemaVersion(options.db);
    if (!version.ok()) return ctx.Fail(version.status());
    json["SchemaVersion"] = {{"Database", version->database}, {"Binary", version->binary}};
    text += "\nschema version " + std::to_string(version->database) + " in " +
            RedactSecrets(options.db) + "; this binary knows up to " +
            std::to_string(version->binary);
    if (version->database > version->binary)
      text += " (the database is newer: this binary refuses to open it)";
    else if (version->database < version->binary)
      text += " (opening it with this binary will migrate it)";
  }
  return ctx.Print(json, text);
}

}  // namespace

int RunCommandLine(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  GlobalOptions options;
  Context ctx(options, out, err);
  int exit_code = 0;

  CLI::App app{"Kanjian (看见): a self-hosted image-recognition cloud", "kanjian"};
  app.fallthrough();
  // One subcommand; none with --version (help then still says SUBCOMMAND).
  const bool version_asked = std::find(args.begin(), args.end(), "--version") != args.end();
  app.require_subcommand(version_asked ? 0 : 1, 1);
  app.add_option("--db", options.db,
                 "SQLite database path, or a PostgreSQL URI (postgresql://…; needs "
                 "KANJIAN_MASTER_KEY); default $KANJIAN_DB, else the config file's db")
      ->capture_default_str();
  app.add_option("--config", options.config_path,
                 "TOML config file (default $KANJIAN_CONFIG; keys: "
                 "docs/operators/configuration-file.md)");
  app.add_flag("--version", options.version,
               "print the version and commit (with --db: the database's schema version too)");
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
  AddAlertCommands(app, ctx, &exit_code);
  AddUserCommands(app, ctx, &exit_code);
  AddOperatorCommands(app, ctx, &exit_code);
  AddConfigCommands(app, ctx, &exit_code);
  AddBackupCommands(app, ctx, &exit_code);
  // Runs once every option is parsed, before any command's callback.
  app.parse_complete_callback([&app, &options] { ResolveGlobalOptions(app, options); });

  // CLI11 wants argv without the program name, last argument first.
  std::vector<std::string> rest(args.rbegin(), args.rend());
  if (!rest.empty()) rest.pop_back();
  try {
    app.parse(rest);
    if (app.get_subcommands().empty() && options.version) return PrintVersion(ctx, options);
  } catch (const ConfigError& e) {
    return ctx.Fail(e.status());
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
