// Brings a PostgreSQL database to the current schema (pg_schema.h) and
// manages the call log's monthly partitions. Safe when several nodes start
// at once: each step runs under one advisory lock, and a node that waited
// finds the steps applied and does nothing.
#pragma once

#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/status.h"
#include "store/pg/pg_db.h"
#include "store/store.h"

namespace kanjian::store::pg {

// Applies every step not yet recorded in schema_migrations; returns how many
// it applied (0 when another node had already done it).
Result<int> Migrate(PgConnection& db);

// The partition of usage_records holding [from, to): a UTC month
// (`month` "YYYY-MM" names it usage_records_YYYY_MM). Idempotent, and safe
// against another node creating it at the same instant. A detached month is
// refused (InvalidParameterValue): its calls were billed and archived.
Status EnsureUsagePartition(PgConnection& db, std::string_view month, UnixMicros from,
                            UnixMicros to);

// Detaches a billed month's partition [from, to) from usage_records, in one
// transaction with its record in usage_detached (and its per-pack sums): the
// rows stay in the standalone table (to archive or drop) and leave the live
// log's indexes. RequestIds stay known in usage_request_ids, so a retry of
// an old call is still recognised. A second call returns the first's record.
Result<DetachedMonth> DetachUsagePartition(PgConnection& db, std::string_view month,
                                           UnixMicros from, UnixMicros to, UnixMicros now);

}  // namespace kanjian::store::pg
