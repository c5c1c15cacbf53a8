// Store over PostgreSQL: a small pool of libpq connections, each
// Write in one SERIALIZABLE transaction retried on serialization failures
// and deadlocks, each Read in a REPEATABLE READ READ ONLY snapshot.
//
// Why SERIALIZABLE (docs/operators/postgresql.md): the billing bodies (attribution,
// purchases, refunds, free packs, settlement) read then write and were
// written for SQLite's single writer. SERIALIZABLE promises the same thing
// across processes: every committed outcome is one some serial order of
// the transactions would give. A transaction that cannot be placed in such
// an order fails (40001) and its body runs again on a fresh snapshot, so a
// body must have no effect outside the transaction except through what its
// last run leaves (store.h, Store::Write).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "common/error_codes.h"
#include "store/pg/pg_key_watch.h"
#include "store/pg/pg_migrate.h"
#include "store/pg/pg_schema.h"
#include "store/pg/pg_store.h"
#include "store/pg/pg_store_internal.h"
#include "store/pg/pg_txn.h"

namespace kanjian::store::pg {

UtcMonth UtcMonthOf(UnixMicros at) {
  using namespace std::chrono;
  const sys_days day = floor<days>(sys_time<microseconds>(microseconds(at)));
  const year_month_day ymd(day);
  const year_month first = ymd.year() / ymd.month();
  const year_month next = first + months(1);
  auto micros = [](year_month ym) {
    return duration_cast<microseconds>(sys_days(ym / 1).time_since_epoch()).count();
  };
  char name[16];
  std::snprintf(name, sizeof name, "%04d-%02u", static_cast<int>(first.year()),
                static_cast<unsigned>(first.month()));
  return {name, micros(first), micros(next)};
}

UtcMonth NextUtcMonth(const UtcMonth& month) {
  return UtcMonthOf(month.to);
}

Result<UtcMonth> UtcMonthNamed(std::string_view name) {
  int year = 0;
  unsigned mon = 0;
  char tail = 0;
  const std::string text(name);
  if (text.size() != 7 || std::sscanf(text.c_str(), "%4d-%2u%c", &year, &mon, &tail) != 2 ||
      mon < 1 || mon > 12)
    return Status(errc::kInvalidParameterValue, "a month is YYYY-MM: " + text);
  using namespace std::chrono;
  UtcMonth m = UtcMonthOf(
      duration_cast<microseconds>(
          sys_days(std::chrono::year(year) / std::chrono::month(mon) / 1).time_since_epoch())
          .count());
  if (m.name != text) return Status(errc::kInvalidParameterValue, "a month is YYYY-MM: " + text);
  return m;
}

namespace {

// A write also takes its transaction id in BEGIN's round trip
// (PgConnection::xid): a COMMIT whose connection broke is looked up by it
// (txid_status) instead of being guessed.
constexpr char kBeginWrite[] = "BEGIN ISOLATION LEVEL SERIALIZABLE";
// 8, and the server's store pool (HttpOptions::store_threads) as many, so no
// request waits for a connection; 16 gave about the same requests/s on 2
// cores with a far longer p99, more backends sharing the same cores
// (docs/developers/benchmarks.md).
constexpr int kPoolConnections = 8;
constexpr int kMaxAttempts = 30;  // serialization failures and deadlocks
// How long a Write or Read waits for a lost server (a restart, a failover)
// before it gives up; a restart of the cluster's PostgreSQL takes ~1 s.
constexpr auto kReconnectWindow = std::chrono::seconds(10);
constexpr int kSlots = 4096;  // store_state rows claimed one per connection
// Advisory lock space of the slot claims (the two-key form: apart from the
// migration and partition locks).
constexpr int kSlotLockClass = 0x4b4a;  // "KJ"

// The connection is gone, or the server is ending it: a broken socket, a
// connection exception (class 08) or a shutdown (57P01 admin, 57P02 crash,
// 57P03 cannot connect now), which libpq may not have seen as a closed
// socket yet.
bool ConnectionLost(const PgConnection& db) {
  const std::string& state = db.first_failure();  // this attempt's; a ROLLBACK came after
  return !db.healthy() || state.starts_with("08") || state.starts_with("57P0");
}

bool Retryable(const std::string& sqlstate) {
  return sqlstate == "40001" || sqlstate == "40P01";
}

struct PooledConnection {
  std::unique_ptr<PgConnection> db;
  int slot = 0;
};

thread_local const void* g_inside = nullptr;  // the store whose transaction this thread runs

class PgStore final : public Store {
 public:
  explicit PgStore(std::string uri) : uri_(std::move(uri)) {}

  Status Open() {
    ASSIGN_OR_RETURN(auto c, Connect());
    RETURN_IF_ERROR(Migrate(*c->db));
    ASSIGN_OR_RETURN(
        auto parts,
        c->db->Exec("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                    "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'usage_records'"));
    {
      std::lock_guard<std::mutex> lock(months_mu_);
      for (int i = 0; i < parts.rows(); ++i) {
        std::string name = parts.Text(i, 0).substr(std::string_view("usage_records_").size());
        if (name.size() == 7) name[4] = '-';
        months_.insert(name);
      }
    }
    Release(std::move(c));
    return Status::Ok();
  }

  Status Write(const std::function<Status(Txn&)>& body) override { return Run(body, true); }
  Status Read(const std::function<Status(Txn&)>& body) override { return Run(body, false); }
  // One SELECT with no transaction around it (its own snapshot): one round
  // trip, no BEGIN, no ROLLBACK.
  Status ReadOne(const std::function<Status(Txn&)>& body) override {
    return Run(body, false, /*bare=*/true);
  }

  // The watch starts at the first question (a server's first signed
  // request): a CLI command that never authenticates opens no listener.
  std::optional<uint64_t> KeysVersion() const override {
    std::call_once(key_watch_started_, [this] { key_watch_ = std::make_unique<KeyWatch>(uri_); });
    return key_watch_->Version();
  }

  bool DetachesUsageMonths() const override { return true; }
  Result<DetachedMonth> DetachUsageMonth(std::string_view utc_month, UnixMicros now) override {
    ASSIGN_OR_RETURN(auto m, UtcMonthNamed(utc_month));
    ASSIGN_OR_RETURN(auto c, Acquire());
    auto done = DetachUsagePartition(*c->db, m.name, m.from, m.to, now);
    Release(std::move(c));
    if (done.ok()) {
      std::lock_guard<std::mutex> lock(months_mu_);
      months_.erase(m.name);  // a late call now asks EnsureMonth, which refuses
    }
    return done;
  }

 private:
  Status Run(const std::function<Status(Txn&)>& body, bool write, bool bare = false) {
    // A nested Write/Read would take a second connection and a second
    // transaction: not what the caller means, and a deadlock when the pool
    // is empty.
    if (g_inside == this)
      return Status(errc::kInternalError, "Store::Write/Read called inside a transaction");
    // A connection that breaks (the server restarted, or went away) ends
    // the attempt; the body runs again on a new connection (a body may run
    // more than once, store.h) until kReconnectWindow has passed. A COMMIT
    // that got no answer is first looked up: committed means done.
    const auto give_up = std::chrono::steady_clock::now() + kReconnectWindow;
    for (int pause_ms = 20;; pause_ms = std::min(pause_ms * 2, 500)) {
      auto c = Acquire();
      if (!c.ok()) {
        if (std::chrono::steady_clock::now() >= give_up) return c.status();
        std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms));
        continue;
      }
      std::unique_ptr<PooledConnection> conn = std::move(c).value();
      std::string in_doubt;  // the xid of a COMMIT sent on a connection that broke
      g_inside = this;
      Status status = Attempts(*conn, body, write, bare, &in_doubt);
      g_inside = nullptr;
      const bool lost = ConnectionLost(*conn->db);
      Release(std::move(conn));
      if (status.ok() || !lost) return status;
      DropIdle();  // connections to the same server: most likely broken too
      if (!in_doubt.empty()) {
        ASSIGN_OR_RETURN(auto committed, Committed(in_doubt, give_up));
        if (committed) return Status::Ok();
      }
      if (std::chrono::steady_clock::now() >= give_up) return status;
      std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms));
    }
  }

  // Whether transaction `xid` committed, asked on a new connection (waits
  // for the server until `give_up`).
  Result<bool> Committed(const std::string& xid, std::chrono::steady_clock::time_point give_up) {
    Status last = Status::Ok();
    for (int pause_ms = 20;; pause_ms = std::min(pause_ms * 2, 500)) {
      auto db = PgConnection::Open(uri_);
      if (db.ok()) {
        auto r = (*db)->Exec("SELECT txid_status($1)", {P(xid)});
        if (r.ok() && !r->IsNull(0, 0) && r->Text(0, 0) != "in progress")
          return r->Text(0, 0) == "committed";
        last = r.ok() ? Status(errc::kInternalError,
                               "PostgreSQL: transaction " + xid + " is still in progress")
                      : r.status();
      } else {
        last = db.status();
      }
      if (std::chrono::steady_clock::now() >= give_up)
        return Status(errc::kInternalError,
                      "PostgreSQL: the connection broke during COMMIT and whether it committed "
                      "is unknown: " +
                          last.message());
      std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms));
    }
  }

  void DropIdle() {
    std::vector<std::unique_ptr<PooledConnection>> stale;
    {
      std::lock_guard<std::mutex> lock(pool_mu_);
      stale.swap(idle_);
      open_ -= static_cast<int>(stale.size());
    }
    pool_cv_.notify_all();
  }

  // `in_doubt` is set to the transaction's xid when its COMMIT got no
  // answer because the connection broke.
  Status Attempts(PooledConnection& conn, const std::function<Status(Txn&)>& body, bool write,
                  bool bare, std::string* in_doubt) {
    PgConnection& db = *conn.db;
    auto has_month = std::function<bool(const std::string&)>(
        [this](const std::string& month) { return HasMonth(month); });
    AttemptMemo memo;  // what one run of the body tells the next
    for (int attempt = 1;; ++attempt) {
      memo.missing_partitions.clear();
      memo.rerun = false;
      db.ClearFirstFailure();
      // BEGIN travels with the body's first statement (with the transaction
      // id, for a write); the queued writes with COMMIT (a batch of billed
      // calls: two round trips in all).
      if (!bare) db.BeginDeferred(write ? kBeginWrite : kBeginRead, /*track_xid=*/write);
      Status status;
      bool committed = false;
      {
        PgTxn txn(db, write, conn.slot, has_month, memo, bare);
        status = body(txn);
        if (status.ok() && write && memo.missing_partitions.empty() && !memo.rerun) {
          status = txn.Commit();
          committed = status.ok();
        }
      }
      // A COMMIT whose connection broke is in doubt: Run looks it up by id.
      if (write && !committed && ConnectionLost(db)) *in_doubt = db.xid();
      // A Read always ends here, without waiting for the ROLLBACK's answer.
      if (!write) db.RollbackReadOnly();
      if (write && !committed) db.RollbackIfOpen();
      if (committed || (!write && status.ok() && memo.missing_partitions.empty())) return status;
      if (ConnectionLost(db)) return status;  // Run reconnects (or the caller sees the error)
      // InsertCall answered "new" for a call the log held: run again, told.
      if (memo.rerun && attempt < kMaxAttempts + 4) continue;
      // A partition the body needed: made outside any transaction (its DDL
      // waits for transactions using the log; ours has ended), then again.
      if (!memo.missing_partitions.empty()) {
        for (const std::string& month : memo.missing_partitions) {
          RETURN_IF_ERROR(EnsureMonth(db, month));
        }
        if (attempt < kMaxAttempts + 4) continue;
      }
      const std::string failure = db.first_failure();
      if (!Retryable(failure)) return status;
      retries_.fetch_add(1, std::memory_order_relaxed);
      if (attempt >= kMaxAttempts)
        return Status(errc::kInternalError,
                      "PostgreSQL: the transaction kept conflicting with others (" +
                          std::to_string(attempt) + " tries): " + status.message());
      // Randomised backoff, growing: two nodes that collided do not collide again.
      const int cap_us = 200 << std::min(attempt, 8);  // up to 51 ms
      // Seeded once per thread: std::random_device costs more than a read.
      thread_local std::mt19937 jitter(std::random_device{}());
      std::this_thread::sleep_for(std::chrono::microseconds(jitter() % cap_us));
    }
  }

  bool HasMonth(const std::string& month) {
    std::lock_guard<std::mutex> lock(months_mu_);
    return months_.count(month) > 0;
  }

  // Makes the month's partition and the next one's, so a month boundary
  // finds its partition made a month before (no node waits on DDL then).
  Status EnsureMonth(PgConnection& db, const std::string& month) {
    ASSIGN_OR_RETURN(auto m, UtcMonthNamed(month));
    for (const UtcMonth& one : {m, NextUtcMonth(m)}) {
      Status s = EnsureUsagePartition(db, one.name, one.from, one.to);
      if (!s.ok() && one.name == m.name) {
        std::lock_guard<std::mutex> lock(months_mu_);
        months_.erase(one.name);  // detached since listed: the next call asks anew too
        return s;
      }
      if (!s.ok()) continue;  // the next one is only made early
      std::lock_guard<std::mutex> lock(months_mu_);
      months_.insert(one.name);
    }
    return Status::Ok();
  }

  Result<std::unique_ptr<PooledConnection>> Connect() {
    ASSIGN_OR_RETURN(auto db, PgConnection::Open(uri_));
    auto conn = std::make_unique<PooledConnection>();
    conn->db = std::move(db);
    // Claim a store_state slot no other live connection holds (a session
    // advisory lock, released when the connection ends).
    const int start = static_cast<int>(std::random_device{}() % kSlots);
    conn->slot = -1;
    for (int i = 0; i < kSlots && conn->slot < 0; ++i) {
      const int slot = (start + i) % kSlots;
      ASSIGN_OR_RETURN(auto r, conn->db->Exec("SELECT pg_try_advisory_lock($1, $2)",
                                              {P(int64_t{kSlotLockClass}), P(int64_t{slot})}));
      if (r.Text(0, 0) == "t") conn->slot = slot;
    }
    // Every slot held: share one (two transactions on it may then conflict
    // and retry, still correct).
    if (conn->slot < 0) conn->slot = kSlots + start % 64;
    return conn;
  }

  Result<std::unique_ptr<PooledConnection>> Acquire() {
    std::unique_lock<std::mutex> lock(pool_mu_);
    pool_cv_.wait(lock, [&] { return !idle_.empty() || open_ < kPoolConnections; });
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      return c;
    }
    ++open_;
    lock.unlock();
    auto c = Connect();
    if (!c.ok()) {
      std::lock_guard<std::mutex> relock(pool_mu_);
      --open_;
      pool_cv_.notify_one();
    }
    return c;
  }

  void Release(std::unique_ptr<PooledConnection> conn) {
    std::lock_guard<std::mutex> lock(pool_mu_);
    if (conn->db->healthy()) {
      idle_.push_back(std::move(conn));
    } else {
      --open_;  // reopened on demand (a restarted server, say)
    }
    pool_cv_.notify_one();
  }

  const std::string uri_;
  std::mutex pool_mu_;
  std::condition_variable pool_cv_;
  std::vector<std::unique_ptr<PooledConnection>> idle_;  // guarded by pool_mu_
  int open_ = 0;                                         // guarded by pool_mu_
  std::mutex months_mu_;
  std::set<std::string> months_;  // guarded by months_mu_: UTC months with a partition
  std::atomic<uint64_t> retries_{0};
  mutable std::once_flag key_watch_started_;
  mutable std::unique_ptr<KeyWatch> key_watch_;  // after the pool: stopped first
};

}  // namespace

bool IsPostgresUri(std::string_view db) {
  return db.starts_with("postgresql://") || db.starts_with("postgres://");
}

uint64_t PgRoundTrips() {
  return PgConnection::RoundTrips();
}

Result<std::unique_ptr<Store>> OpenPgStore(const std::string& uri) {
  auto store = std::make_unique<PgStore>(uri);
  RETURN_IF_ERROR(store->Open());
  return std::unique_ptr<Store>(std::move(store));
}

Result<SchemaVersion> ReadPgSchemaVersion(const std::string& uri) {
  ASSIGN_OR_RETURN(auto db, PgConnection::Open(uri));
  SchemaVersion version{0, static_cast<int64_t>(kPgMigrations.size())};
  ASSIGN_OR_RETURN(auto made, db->Exec("SELECT to_regclass('schema_migrations') IS NOT NULL"));
  if (made.Text(0, 0) != "t") return version;
  ASSIGN_OR_RETURN(auto steps, db->Exec("SELECT coalesce(max(version), 0) FROM schema_migrations"));
  version.database = steps.Int(0, 0);
  return version;
}

}  // namespace kanjian::store::pg
