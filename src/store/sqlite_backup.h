// Online backup and restore of a SQLite database, through SQLite's backup
// API: the copy is one read transaction's snapshot (WAL mode lets writers go
// on meanwhile), page for page. The master key is a separate file and is
// never part of it (docs/operators/backup.md).
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"

namespace kanjian::store {

struct BackupSummary {
  int64_t bytes = 0;           // size of the file written
  int64_t schema_version = 0;  // PRAGMA user_version of the copy
  int64_t usage_records = 0;   // billed calls in the copy (live and archived)
};

// Copies the database at `from` into a new file `to` (mode 0600), written
// beside it under a temporary name and renamed when complete, so `to` is
// either absent or a whole snapshot. An existing `to` is refused
// (AlreadyExists); a missing `from` is NotFound.
Result<BackupSummary> BackupSqlite(const std::string& from, const std::string& to);

// Replaces the database at `to` with the backup `from`. The backup must be a
// Kanjian database this binary can read (schema not newer, integrity_check
// ok). An existing `to` is refused (AlreadyExists) unless `overwrite`; it is
// then replaced in one write transaction, so a process holding it open sees
// either the old or the new database, never a mix.
Result<BackupSummary> RestoreSqlite(const std::string& from, const std::string& to, bool overwrite);

}  // namespace kanjian::store
