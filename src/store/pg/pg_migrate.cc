#include "store/pg/pg_migrate.h"

#include <regex>

#include "common/error_codes.h"
#include "store/pg/pg_schema.h"
#include "store/schema_version.h"

namespace kanjian::store::pg {
namespace {

// One advisory lock for schema changes, another for partition DDL.
constexpr char kMigrateLock[] = "SELECT pg_advisory_lock(hashtext('kanjian:migrate'))";
constexpr char kMigrateUnlock[] = "SELECT pg_advisory_unlock(hashtext('kanjian:migrate'))";
constexpr char kPartitionLock[] = "SELECT pg_advisory_xact_lock(hashtext('kanjian:partitions'))";

constexpr char kSelectDetached[] =
    "SELECT table_name, records, detached_at FROM usage_detached WHERE month = $1";

Result<std::string> PartitionName(std::string_view month) {
  static const std::regex kMonth(R"(\d{4}-(0[1-9]|1[0-2]))");
  if (!std::regex_match(month.begin(), month.end(), kMonth))
    return Status(errc::kInvalidParameterValue, "a month is YYYY-MM: " + std::string(month));
  std::string name = "usage_records_" + std::string(month);
  name[name.size() - 3] = '_';
  return name;
}

// Runs body inside BEGIN/COMMIT, rolling back on any failure.
template <typename Body>
Status InTransaction(PgConnection& db, Body body) {
  RETURN_IF_ERROR(db.Exec("BEGIN"));
  Status s = body();
  if (s.ok()) {
    RETURN_IF_ERROR(db.Exec("COMMIT"));
    return s;
  }
  (void)db.Exec("ROLLBACK");
  return s;
}

}  // namespace

Result<int> Migrate(PgConnection& db) {
  RETURN_IF_ERROR(db.Exec(kMigrateLock));
  int applied = 0;
  Status s = [&]() -> Status {
    RETURN_IF_ERROR(
        db.Exec("CREATE TABLE IF NOT EXISTS schema_migrations ("
                "version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"));
    ASSIGN_OR_RETURN(auto current,
                     db.Exec("SELECT coalesce(max(version), 0) FROM schema_migrations"));
    const int64_t have = current.Int(0, 0);
    if (have > static_cast<int64_t>(kPgMigrations.size()))
      return SchemaTooNew(have, static_cast<int64_t>(kPgMigrations.size()));
    for (size_t step = have; step < kPgMigrations.size(); ++step) {
      RETURN_IF_ERROR(InTransaction(db, [&]() -> Status {
        RETURN_IF_ERROR(db.Exec(kPgMigrations[step]));
        auto r = db.Exec("INSERT INTO schema_migrations(version) VALUES ($1)",
                         {P(static_cast<int64_t>(step + 1))});
        return r.ok() ? Status() : r.status();
      }));
      ++applied;
    }
    return Status();
  }();
  (void)db.Exec(kMigrateUnlock);
  if (!s.ok()) return s;
  return applied;
}

Status EnsureUsagePartition(PgConnection& db, std::string_view month, UnixMicros from,
                            UnixMicros to) {
  ASSIGN_OR_RETURN(auto name, PartitionName(month));
  if (from >= to) return Status(errc::kInvalidParameterValue, "empty partition range");
  return InTransaction(db, [&]() -> Status {
    RETURN_IF_ERROR(db.Exec(kPartitionLock));
    ASSIGN_OR_RETURN(auto detached, db.Exec(kSelectDetached, {P(month)}));
    if (detached.rows() > 0)
      return Status(errc::kInvalidParameterValue,
                    "usage month " + std::string(month) +
                        " was billed and detached (kanjian usage detach): a call stamped in it "
                        "cannot be recorded");
    // DDL takes no bind parameters; the name is checked above and the bounds
    // are integers.
    auto r = db.Exec("CREATE TABLE IF NOT EXISTS " + name +
                     " PARTITION OF usage_records FOR VALUES FROM (" + std::to_string(from) +
                     ") TO (" + std::to_string(to) + ")");
    return r.ok() ? Status() : r.status();
  });
}

Result<DetachedMonth> DetachUsagePartition(PgConnection& db, std::string_view month,
                                           UnixMicros from, UnixMicros to, UnixMicros now) {
  ASSIGN_OR_RETURN(auto name, PartitionName(month));
  if (from >= to) return Status(errc::kInvalidParameterValue, "empty partition range");
  DetachedMonth out;
  Status s = InTransaction(db, [&]() -> Status {
    RETURN_IF_ERROR(db.Exec(kPartitionLock));
    ASSIGN_OR_RETURN(auto found, db.Exec(kSelectDetached, {P(month)}));
    if (found.rows() > 0) {  // detached before: that detach's record
      out = {std::string(month), found.Text(0, 0), found.Int(0, 1), found.Int(0, 2)};
      return Status();
    }
    ASSIGN_OR_RETURN(
        auto attached,
        db.Exec("SELECT 1 FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'usage_records' AND "
                "c.relname = $1",
                {P(name)}));
    out = {std::string(month), name, 0, now};
    const bool made = attached.rows() > 0;
    if (made) {
      ASSIGN_OR_RETURN(auto count, db.Exec("SELECT count(*) FROM " + name));
      out.records = count.Int(0, 0);
    }
    // A month never made is recorded too, so no late call can make it.
    auto recorded = db.Exec("INSERT INTO usage_detached VALUES ($1, $2, $3, $4, $5, $6)",
                            {P(month), P(name), P(from), P(to), P(out.records), P(now)});
    if (!recorded.ok() || !made) return recorded.status();
    RETURN_IF_ERROR(
        db.Exec("INSERT INTO usage_detached_packs SELECT $1, pack_id, sum(quantity) "
                "FROM " +
                    name + " WHERE pack_id <> '' GROUP BY pack_id",
                {P(month)}));
    auto r = db.Exec("ALTER TABLE usage_records DETACH PARTITION " + name);
    return r.ok() ? Status() : r.status();
  });
  if (!s.ok()) return s;
  return out;
}

}  // namespace kanjian::store::pg
