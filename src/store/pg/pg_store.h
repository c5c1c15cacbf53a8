// Opens the PostgreSQL store: `--db postgresql://…`.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "store/schema_version.h"
#include "store/store.h"

namespace kanjian::store::pg {

// True for a libpq URI (postgresql:// or postgres://): the CLI's test for
// which store to open.
bool IsPostgresUri(std::string_view db);

// Connects, applies pending migrations (under an advisory lock, so nodes
// may start together) and returns the store. Its connections are opened on
// demand, up to 8, plus one that listens for key changes once
// KeysVersion() is first asked.
Result<std::unique_ptr<Store>> OpenPgStore(const std::string& uri);

// The steps of pg_schema.h applied to the database at `uri` (0 when it has
// none), read without migrating; and those this binary knows.
Result<SchemaVersion> ReadPgSchemaVersion(const std::string& uri);

// Round trips to PostgreSQL this process has waited for (all stores):
// what a batch costs, for benchmarks and tests.
uint64_t PgRoundTrips();

}  // namespace kanjian::store::pg
