// The storage interface. Domain code (billing, server) sees only this; the
// SQLite (sqlite_*.cc) and PostgreSQL (pg/) backends are the only places that
// talk SQL. The records are in records.h, and what a transaction can do is
// one small interface per aggregate (account_txn.h, usage_txn.h, ...).
//
// Every operation runs inside a transaction: Store::Write/Read hand the
// caller a Txn; Write commits when the callback returns OK and rolls back
// otherwise, so a multi-step billing operation is atomic. The convenience
// methods on Store each run one operation in its own transaction.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "store/account_txn.h"
#include "store/alert_txn.h"
#include "store/audit_txn.h"
#include "store/bill_txn.h"
#include "store/books_txn.h"
#include "store/catalog_txn.h"
#include "store/notice_txn.h"
#include "store/operator_log_txn.h"
#include "store/pack_txn.h"
#include "store/records.h"
#include "store/sign_in_txn.h"
#include "store/usage_txn.h"

namespace kanjian::store {

// One transaction's view of the store: the sum of the aggregates'
// interfaces, so a caller writes txn.FindAccount(...) whatever the aggregate,
// and a backend implements each interface in a file of its own.
class Txn : public AccountTxn,
            public UsageTxn,
            public PackTxn,
            public BooksTxn,
            public BillTxn,
            public CatalogTxn,
            public NoticeTxn,
            public SignInTxn,
            public OperatorLogTxn,
            public AuditTxn,
            public AlertTxn {
 public:
  ~Txn() override = default;

  // Identifies the committed state of the database, for caches of what it
  // holds: StateAtStart() is the state this transaction began from, and in a
  // write transaction StateAfterCommit() is the state its commit will leave
  // (ask it after the transaction's last write). The state changes with
  // every commit, by this store or another process (PostgreSQL: every commit
  // that changes packs or accounts, the attribution cache's contents).
  virtual Result<uint64_t> StateAtStart() = 0;
  virtual Result<uint64_t> StateAfterCommit() = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // Runs `body` in one write transaction (BEGIN IMMEDIATE): commits if it
  // returns OK, rolls back otherwise, and returns its status (or the
  // commit's). Durable on return (synchronous=FULL). PostgreSQL may run
  // `body` more than once (a serialization failure rolls it back): a body
  // leaves nothing outside the transaction but what its last run sets.
  virtual Status Write(const std::function<Status(Txn&)>& body) = 0;
  // Runs `body` in one read transaction (a consistent snapshot).
  virtual Status Read(const std::function<Status(Txn&)>& body) = 0;
  // A Read whose body sends one statement (one Txn call that reads one
  // table query, e.g. FindKey, Balances): PostgreSQL then runs it with no
  // transaction around it (one round trip instead of BEGIN…ROLLBACK); a
  // second statement fails there with InternalError. This default: Read.
  virtual Status ReadOne(const std::function<Status(Txn&)>& body) { return Read(body); }

  // Moves the call log's UTC month `utc_month` ("YYYY-MM") out of the log:
  // its rows leave ListUsage and the audit's comparison with the hourly
  // totals (which stay, and are what bills read); what packs drew in it is
  // kept per pack, so the audit still checks every pack's count; its
  // RequestIds stay known to the idempotency gate; a call stamped in it
  // cannot be recorded again. A second call returns the first's result.
  // The caller checks the month is billed (BillingService::DetachUsageMonth).
  // This default, for SQLite (one file, nothing to detach):
  // errc::kUnsupportedOperation.
  virtual Result<DetachedMonth> DetachUsageMonth(std::string_view utc_month, UnixMicros now);
  // Whether DetachUsageMonth can do anything here (asked before its checks).
  virtual bool DetachesUsageMonths() const { return false; }

  // A number that changes whenever an API key changes (created, disabled,
  // enabled, rotated), here or in another process, so keys may be cached
  // while it stays the same; nullopt: no such signal now, read the store.
  // This default, for SQLite (a key read costs microseconds): nullopt.
  virtual std::optional<uint64_t> KeysVersion() const { return std::nullopt; }

  // One-operation conveniences, each its own transaction.
  Status CreateAccount(const Account& account, const ApiKey& first_key);  // atomic pair
  Result<Account> FindAccount(std::string_view id_or_name);
  Status UpdateAccount(const Account& account);
  Status InsertKey(const ApiKey& key);
  Result<ApiKey> FindKey(std::string_view secret_id);
  Result<std::vector<ApiKey>> ListKeys(std::string_view account_id);
  Status SetKeyEnabled(std::string_view secret_id, bool enabled);
  Result<std::optional<ApiKey>> OldestKey();
  // Inserts `replacement` and disables `old_secret_id` in one transaction.
  Status RotateKey(std::string_view old_secret_id, const ApiKey& replacement);
  Status AppendUsage(std::span<const UsageRecord> records);
  Result<std::vector<UsageRecord>> ListUsage(std::string_view account_id, UnixMicros from,
                                             UnixMicros to);
};

// Opens (creating and migrating as needed) a SQLite database in WAL mode.
// The file, its -wal, -shm and -journal are mode 0600: created so, and
// tightened (with a warning) when an existing one is readable by others.
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path);

}  // namespace kanjian::store
