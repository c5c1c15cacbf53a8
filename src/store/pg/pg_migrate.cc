#include "store/pg/pg_migrate.h"

#include <regex>

#include "common/error_codes.h"
#include "store/pg/pg_schema.h"

namespace kanjian::store::pg {
namespace {

// One advisory lock for schema changes, another for partition DDL.
constexpr char kMigrateLock[] = "SELECT pg_advisory_lock(hashtext('kanjian:migrate'))";
constexpr char kMigrateUnlock[] = "SELECT pg_advisory_unlock(hashtext('kanjian:migrate'))";
constexpr char kPartitionLock[] = "SELECT pg_advisory_xact_lock(hashtext('kanjian:partitions'))";

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
  if (auto r = db.Exec("BEGIN"); !r.ok()) return r.status();
  Status s = body();
  if (s.ok()) {
    if (auto r = db.Exec("COMMIT"); !r.ok()) return r.status();
    return s;
  }
  (void)db.Exec("ROLLBACK");
  return s;
}

}  // namespace

Result<int> Migrate(PgConnection& db) {
  if (auto r = db.Exec(kMigrateLock); !r.ok()) return r.status();
  int applied = 0;
  Status s = [&]() -> Status {
    auto made = db.Exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        "version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())");
    if (!made.ok()) return made.status();
    auto current = db.Exec("SELECT coalesce(max(version), 0) FROM schema_migrations");
    if (!current.ok()) return current.status();
    const int64_t have = current->Int(0, 0);
    if (have > static_cast<int64_t>(kPgMigrations.size()))
      return Status(errc::kInternalError, "the database's schema (step " + std::to_string(have) +
                                              ") is newer than this binary's; upgrade kanjian");
    for (size_t step = have; step < kPgMigrations.size(); ++step) {
      Status one = InTransaction(db, [&]() -> Status {
        if (auto r = db.Exec(kPgMigrations[step]); !r.ok()) return r.status();
        auto r = db.Exec("INSERT INTO schema_migrations(version) VALUES ($1)",
                         {P(static_cast<int64_t>(step + 1))});
        return r.ok() ? Status() : r.status();
      });
      if (!one.ok()) return one;
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
  auto name = PartitionName(month);
  if (!name.ok()) return name.status();
  if (from >= to) return Status(errc::kInvalidParameterValue, "empty partition range");
  return InTransaction(db, [&]() -> Status {
    if (auto r = db.Exec(kPartitionLock); !r.ok()) return r.status();
    // DDL takes no bind parameters; the name is checked above and the bounds
    // are integers.
    auto r = db.Exec("CREATE TABLE IF NOT EXISTS " + *name +
                     " PARTITION OF usage_records FOR VALUES FROM (" + std::to_string(from) +
                     ") TO (" + std::to_string(to) + ")");
    return r.ok() ? Status() : r.status();
  });
}

Status DetachUsagePartition(PgConnection& db, std::string_view month) {
  auto name = PartitionName(month);
  if (!name.ok()) return name.status();
  return InTransaction(db, [&]() -> Status {
    if (auto r = db.Exec(kPartitionLock); !r.ok()) return r.status();
    auto attached = db.Exec(
        "SELECT 1 FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'usage_records' AND c.relname = "
        "$1",
        {P(*name)});
    if (!attached.ok()) return attached.status();
    if (attached->rows() == 0) return Status();  // already detached, or never made
    auto r = db.Exec("ALTER TABLE usage_records DETACH PARTITION " + *name);
    return r.ok() ? Status() : r.status();
  });
}

}  // namespace kanjian::store::pg
