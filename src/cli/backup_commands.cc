// kanjian backup --to FILE; kanjian restore --from FILE [--force]: a SQLite
// database copied online, and put back (store/sqlite_backup.h). The master
// key is never in a backup. PostgreSQL is backed up with its own tools
// (docs/operators/backup.md).
#include <chrono>

#include "auth/master_key.h"
#include "cli/commands.h"
#include "common/error_codes.h"
#include "store/pg/pg_store.h"
#include "store/sqlite_backup.h"

namespace kanjian::cli {
namespace {

Status PostgresRefusal(const std::string& what) {
  return Status(errc::kUnsupportedOperation,
                what +
                    " works on SQLite files; back up PostgreSQL with pg_dump and restore it "
                    "with pg_restore (docs/operators/backup.md)");
}

// Where the key that opens the database's SecretKeys is, and that it must be
// kept apart from the database's backups.
std::string MasterKeyNote(const std::string& db) {
  if (std::getenv(auth::kMasterKeyVariable))
    return std::string("The master key is not in the backup: it is in $") +
           auth::kMasterKeyVariable + ". Back it up separately, apart from the database.";
  return "The master key is not in the backup: it is " + auth::MasterKeyFileFor(db) +
         ". Back it up separately, apart from the database.";
}

nlohmann::json SummaryJson(const store::BackupSummary& summary, const std::string& file) {
  return {{"File", file},
          {"Bytes", summary.bytes},
          {"SchemaVersion", summary.schema_version},
          {"UsageRecords", summary.usage_records}};
}

}  // namespace

void AddBackupCommands(CLI::App& app, Context& ctx, int* rc) {
  auto to = std::make_shared<std::string>();
  auto* backup = app.add_subcommand(
      "backup", "copy the database, online and consistent, into a new file (never the master key)");
  backup->add_option("--to", *to, "the new file (an existing one is refused)")->required();
  backup->callback([&ctx, rc, to] {
    const std::string& db = ctx.options().db;
    if (store::pg::IsPostgresUri(db)) {
      *rc = ctx.Fail(PostgresRefusal("backup"));
      return;
    }
    const auto start = std::chrono::steady_clock::now();
    auto summary = store::BackupSqlite(db, *to);
    if (!summary.ok()) {
      *rc = ctx.Fail(summary.status());
      return;
    }
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - start)
                        .count();
    nlohmann::json json = SummaryJson(*summary, *to);
    json["Milliseconds"] = ms;
    json["MasterKey"] = MasterKeyNote(db);
    *rc = ctx.Print(json, "backed up " + db + " to " + *to + ": " + std::to_string(summary->bytes) +
                              " bytes, schema version " + std::to_string(summary->schema_version) +
                              ", " + std::to_string(summary->usage_records) + " billed calls, " +
                              std::to_string(ms) + " ms\n" + MasterKeyNote(db));
  });

  auto from = std::make_shared<std::string>();
  auto force = std::make_shared<bool>(false);
  auto* restore = app.add_subcommand(
      "restore", "replace the database (--db) with a backup; stop the server first");
  restore->add_option("--from", *from, "a file written by kanjian backup")->required();
  restore->add_flag("--force", *force, "replace an existing database");
  restore->callback([&ctx, rc, from, force] {
    const std::string& db = ctx.options().db;
    if (store::pg::IsPostgresUri(db)) {
      *rc = ctx.Fail(PostgresRefusal("restore"));
      return;
    }
    auto summary = store::RestoreSqlite(*from, db, *force);
    if (!summary.ok()) {
      *rc = ctx.Fail(summary.status());
      return;
    }
    const std::string key =
        "Its SecretKeys open only with the master key it was backed up with: "
        "put that key at " +
        auth::MasterKeyFileFor(db) + " or in $" + auth::kMasterKeyVariable +
        ". Then run kanjian audit.";
    nlohmann::json json = SummaryJson(*summary, db);
    json["MasterKey"] = key;
    *rc = ctx.Print(json, "restored " + *from + " into " + db + ": schema version " +
                              std::to_string(summary->schema_version) + ", " +
                              std::to_string(summary->usage_records) + " billed calls\n" + key);
  });
}

}  // namespace kanjian::cli
