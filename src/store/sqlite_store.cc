// Store over SQLite in WAL mode with synchronous=FULL, so a committed usage
// batch survives a crash or power loss. One connection, serialised by mu_;
// other processes (the CLI beside a running server) share the file through
// SQLite's own locking.
#include <atomic>
#include <mutex>
#include <random>
#include <thread>

#include "common/error_codes.h"
#include "common/private_file.h"
#include "store/schema.h"
#include "store/schema_version.h"
#include "store/sqlite_db.h"
#include "store/sqlite_txn.h"
#include "store/store.h"

namespace kanjian::store {
namespace {

constexpr char kBeginWrite[] = "BEGIN IMMEDIATE";
constexpr char kBeginRead[] = "BEGIN";
constexpr char kCommit[] = "COMMIT";
constexpr char kRollback[] = "ROLLBACK";

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(std::unique_ptr<Database> db) : db_(std::move(db)), cache_(db_->handle()) {}

  // Brings the schema up to date in one write transaction; the version is
  // read inside it, so two processes opening a new file cannot both migrate.
  Status Migrate() {
    // cache_size: 64 MiB of pages, so inserts at random request_ids and
    // month-long index ranges stay in memory as the usage table grows.
    for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL",
                               "PRAGMA foreign_keys=ON", "PRAGMA cache_size=-65536"}) {
      RETURN_IF_ERROR(db_->Exec(pragma));
    }
    std::lock_guard<std::mutex> lock(mu_);
    RETURN_IF_ERROR(db_->Exec(kBeginWrite));
    Status s = MigrateLocked();
    if (s.ok()) s = db_->Exec(kCommit);
    if (!s.ok()) (void)db_->Exec(kRollback);
    return s;
  }

  Status Write(const std::function<Status(Txn&)>& body) override {
    return Run(body, kBeginWrite, /*read_only=*/false);
  }

  Status Read(const std::function<Status(Txn&)>& body) override {
    return Run(body, kBeginRead, /*read_only=*/true);
  }

 private:
  // REQUIRES: mu_ held, a write transaction open.
  Status MigrateLocked() {
    int64_t current = 0;
    {  // finalized before the steps run: DROP fails while a statement is active
      Statement version(db_->handle(), "PRAGMA user_version");
      if (version.Step()) current = version.Int(0);
      if (!version.status().ok()) return version.status();
    }
    if (current > static_cast<int64_t>(kSqliteMigrations.size()))
      return SchemaTooNew(current, static_cast<int64_t>(kSqliteMigrations.size()));
    for (size_t i = static_cast<size_t>(current); i < kSqliteMigrations.size(); ++i) {
      RETURN_IF_ERROR(db_->Exec(kSqliteMigrations[i]));
    }
    return db_->Exec("PRAGMA user_version=" + std::to_string(kSqliteMigrations.size()));
  }

  // Runs body between `begin` and COMMIT (ROLLBACK if it fails or throws).
  // A Read is a deferred transaction (a consistent snapshot) ended by
  // ROLLBACK. It does not
  // toggle PRAGMA query_only: that pragma expires every cached statement,
  // which cost ~28% of CPU in re-preparing them.
  Status Run(const std::function<Status(Txn&)>& body, const char* begin, bool read_only) {
    // A nested Write/Read from inside a body would deadlock on mu_.
    if (owner_.load() == std::this_thread::get_id())
      return Status(errc::kInternalError, "Store::Write/Read called inside a transaction");
    std::lock_guard<std::mutex> lock(mu_);
    Scope scope(*this, read_only);
    RETURN_IF_ERROR(db_->Exec(begin));
    scope.open = true;
    SqliteTxn txn(cache_, instance_, commits_, !read_only);
    Status status = body(txn);
    if (status.ok() && !read_only) status = txn.FlushUsageTotals();
    // A Read ends in ROLLBACK, so nothing written inside one can persist.
    if (status.ok())
      status = db_->Exec(read_only ? kRollback : kCommit);  // a failed COMMIT is rolled back below
    if (status.ok()) {
      scope.open = false;
      if (!read_only) ++commits_;
    }
    return status;
  }

  // Marks the thread inside a transaction; on exit rolls back a transaction
  // left open (failure, exception).
  struct Scope {
    Scope(SqliteStore& store, bool read_only) : store(store), read_only(read_only) {
      store.owner_.store(std::this_thread::get_id());
    }
    ~Scope() {
      if (open) (void)store.db_->Exec(kRollback);
      store.owner_.store(std::thread::id());
    }
    SqliteStore& store;
    const bool read_only;
    bool open = false;
  };

  std::mutex mu_;
  uint64_t commits_ = 0;  // guarded by mu_: write transactions committed here
  // Tells this store's states from another's (a reopened file starts at 0).
  const uint64_t instance_ =
      std::random_device{}() * 0x9E3779B97F4A7C15ull ^ reinterpret_cast<uintptr_t>(this);
  std::atomic<std::thread::id> owner_{};  // the thread holding mu_ in Run, if any
  // Guarded by mu_. cache_ is declared after db_ so its statements are
  // finalized before the connection closes.
  const std::unique_ptr<Database> db_;
  StatementCache cache_;
};

// In-memory and temporary databases (":memory:", "", URIs) have no file to
// protect.
bool IsFilePath(const std::string& path) {
  return !path.empty() && path != ":memory:" && !path.starts_with("file:");
}

}  // namespace

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path) {
  // SQLite creates -wal, -shm and -journal with the database file's mode, so
  // a database created 0600 keeps them 0600; stale looser ones are tightened.
  if (IsFilePath(path)) {
    RETURN_IF_ERROR(RestrictToOwner(path, /*create=*/true));
    for (const char* suffix : {"-wal", "-shm", "-journal"}) {
      RETURN_IF_ERROR(RestrictToOwner(path + suffix, /*create=*/false));
    }
  }
  ASSIGN_OR_RETURN(auto db, Database::Open(path));
  auto store = std::make_unique<SqliteStore>(std::move(db));
  RETURN_IF_ERROR(store->Migrate());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace kanjian::store
