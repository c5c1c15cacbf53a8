#include "store/sqlite_backup.h"

#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <memory>

#include "common/error_codes.h"
#include "common/private_file.h"
#include "store/schema.h"
#include "store/schema_version.h"

namespace kanjian::store {
namespace {

struct CloseDb {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
using Db = std::unique_ptr<sqlite3, CloseDb>;

bool Exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

Result<Db> OpenDb(const std::string& path, int flags) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  Db db(raw);
  if (rc != SQLITE_OK)
    return Status(errc::kInternalError,
                  "cannot open " + path + ": " + (raw ? sqlite3_errmsg(raw) : "out of memory"));
  sqlite3_busy_timeout(raw, 5000);
  return db;
}

Result<int64_t> QueryInt(sqlite3* db, const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) != SQLITE_OK)
    return Status(errc::kInternalError, std::string("SQL prepare: ") + sqlite3_errmsg(db));
  const int rc = sqlite3_step(stmt);
  const int64_t value = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
  sqlite3_finalize(stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return Status(errc::kInternalError, std::string("SQL step: ") + sqlite3_errmsg(db));
  return value;
}

// Copies every page of `src` into `dst` in one step: one read transaction on
// the source, one write transaction on the destination.
Status CopyPages(sqlite3* src, sqlite3* dst, const std::string& what) {
  sqlite3_backup* backup = sqlite3_backup_init(dst, "main", src, "main");
  if (!backup) return Status(errc::kInternalError, what + ": " + sqlite3_errmsg(dst));
  const int rc = sqlite3_backup_step(backup, -1);
  sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) return Status(errc::kInternalError, what + ": " + sqlite3_errstr(rc));
  return Status::Ok();
}

// What a file written by BackupSqlite or the live database holds.
Result<BackupSummary> Summarise(sqlite3* db, const std::string& path) {
  BackupSummary summary;
  ASSIGN_OR_RETURN(auto version, QueryInt(db, "PRAGMA user_version"));
  summary.schema_version = version;
  if (version > 0) {
    ASSIGN_OR_RETURN(auto records, QueryInt(db, "SELECT count(*) FROM usage_records"));
    summary.usage_records = records;
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) summary.bytes = st.st_size;
  return summary;
}

}  // namespace

int64_t SqliteSchemaSteps() {
  return static_cast<int64_t>(kSqliteMigrations.size());
}

Status SchemaTooNew(int64_t database, int64_t binary) {
  return Status(errc::kUnsupportedOperation,
                "the database's schema version is " + std::to_string(database) +
                    ", newer than this binary knows (" + std::to_string(binary) +
                    "): it was written by a later release of kanjian; run that release or a "
                    "newer one (docs/operators/upgrades.md)");
}

Result<SchemaVersion> ReadSqliteSchemaVersion(const std::string& path) {
  if (!Exists(path)) return Status(errc::kNotFound, "no database at " + path);
  ASSIGN_OR_RETURN(auto db, OpenDb(path, SQLITE_OPEN_READONLY));
  ASSIGN_OR_RETURN(auto version, QueryInt(db.get(), "PRAGMA user_version"));
  return SchemaVersion{version, SqliteSchemaSteps()};
}

Result<BackupSummary> BackupSqlite(const std::string& from, const std::string& to) {
  if (!Exists(from)) return Status(errc::kNotFound, "no database at " + from);
  if (Exists(to))
    return Status(errc::kAlreadyExists, to + " exists: a backup never replaces a file");
  ASSIGN_OR_RETURN(auto src, OpenDb(from, SQLITE_OPEN_READONLY));
  const std::string partial = to + ".partial";
  std::remove(partial.c_str());
  RETURN_IF_ERROR(RestrictToOwner(partial, /*create=*/true));
  Result<BackupSummary> summary = [&]() -> Result<BackupSummary> {
    ASSIGN_OR_RETURN(auto dst, OpenDb(partial, SQLITE_OPEN_READWRITE));
    RETURN_IF_ERROR(CopyPages(src.get(), dst.get(), "backup of " + from));
    // A self-contained file: the copy keeps no -wal beside it.
    if (sqlite3_exec(dst.get(), "PRAGMA journal_mode=DELETE", nullptr, nullptr, nullptr) !=
        SQLITE_OK)
      return Status(errc::kInternalError, std::string("backup: ") + sqlite3_errmsg(dst.get()));
    return Summarise(dst.get(), partial);
  }();
  if (summary.ok() && std::rename(partial.c_str(), to.c_str()) != 0)
    summary = Status(errc::kInternalError, "cannot rename " + partial + " to " + to);
  if (!summary.ok()) std::remove(partial.c_str());
  return summary;
}

Result<BackupSummary> RestoreSqlite(const std::string& from, const std::string& to,
                                    bool overwrite) {
  if (!Exists(from)) return Status(errc::kNotFound, "no backup at " + from);
  if (Exists(to) && !overwrite)
    return Status(errc::kAlreadyExists,
                  to + " exists: restore replaces a database only with --force");
  ASSIGN_OR_RETURN(auto src, OpenDb(from, SQLITE_OPEN_READONLY));
  auto checked = QueryInt(src.get(),
                          "SELECT count(*) FROM pragma_integrity_check "
                          "WHERE integrity_check <> 'ok'");
  if (!checked.ok() || *checked != 0)
    return Status(errc::kInvalidParameterValue,
                  from + " is not a sound SQLite database (integrity_check failed)");
  ASSIGN_OR_RETURN(auto version, QueryInt(src.get(), "PRAGMA user_version"));
  if (version == 0)
    return Status(errc::kInvalidParameterValue, from + " is not a Kanjian database");
  if (version > SqliteSchemaSteps()) return SchemaTooNew(version, SqliteSchemaSteps());
  RETURN_IF_ERROR(RestrictToOwner(to, /*create=*/true));
  ASSIGN_OR_RETURN(auto dst, OpenDb(to, SQLITE_OPEN_READWRITE));
  RETURN_IF_ERROR(CopyPages(src.get(), dst.get(), "restore into " + to));
  return Summarise(dst.get(), to);
}

}  // namespace kanjian::store
