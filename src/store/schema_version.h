// Which schema a database holds, read without migrating it, and the refusal
// of one written by a newer release: a binary never misreads a schema it
// does not know (docs/operators/upgrades.md).
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"

namespace kanjian::store {

struct SchemaVersion {
  int64_t database = 0;  // steps applied to the database (0: not created yet)
  int64_t binary = 0;    // steps this binary knows
};

// The steps of each store's schema this binary knows (schema.h, pg_schema.h).
int64_t SqliteSchemaSteps();

// UnsupportedOperation naming both versions: what opening a database whose
// schema is newer than `binary` answers.
Status SchemaTooNew(int64_t database, int64_t binary);

// Reads a SQLite file's schema version read-only: a missing file is
// NotFound, nothing is created or migrated.
Result<SchemaVersion> ReadSqliteSchemaVersion(const std::string& path);

}  // namespace kanjian::store
