// The SQLite implementation of Txn, and the per-connection cache of prepared
// statements it draws on. A SqliteTxn lives for one Store::Write/Read; the
// caller has already begun the transaction and holds the connection's mutex.
#pragma once

#include <map>
#include <memory>
#include <string_view>
#include <tuple>
#include <unordered_map>

#include "store/sqlite_db.h"
#include "store/store.h"

namespace kanjian::store {

// Prepared statements of one connection, keyed by the address of their SQL
// text (a named constant), prepared on first use and kept until the
// connection closes. Not thread-safe: REQUIRES the connection's mutex held.
class StatementCache {
 public:
  explicit StatementCache(sqlite3* db) : db_(db) {}
  StatementCache(const StatementCache&) = delete;
  StatementCache& operator=(const StatementCache&) = delete;

  // Resets the statement when the borrower is done with it, so no cached
  // statement keeps a read open past its use.
  class Lease {
   public:
    explicit Lease(Statement* s) : s_(s) {}
    ~Lease() { s_->Reset(); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Statement& operator*() const { return *s_; }
    Statement* operator->() const { return s_; }

   private:
    Statement* s_;
  };

  // REQUIRES: `sql` has static storage duration.
  Lease Get(const char* sql);
  sqlite3* db() const { return db_; }

 private:
  sqlite3* const db_;
  std::unordered_map<const char*, std::unique_ptr<Statement>> statements_;
};

class SqliteTxn final : public Txn {
 public:
  // `commits`: write transactions this store has committed so far;
  // `instance`: tells stores apart.
  SqliteTxn(StatementCache& cache, uint64_t instance, uint64_t commits, bool write)
      : cache_(cache), instance_(instance), commits_(commits), write_(write) {}

  // AccountTxn (sqlite_accounts.cc).
  Status InsertAccount(const Account& account) override;
  Result<Account> FindAccount(std::string_view id_or_name) override;
  Status UpdateAccount(const Account& account) override;
  Result<std::vector<Account>> ListAccounts() override;
  Status InsertKey(const ApiKey& key) override;
  Result<ApiKey> FindKey(std::string_view secret_id) override;
  Result<std::vector<ApiKey>> ListKeys(std::string_view account_id) override;
  Status SetKeyEnabled(std::string_view secret_id, bool enabled) override;
  Result<std::optional<ApiKey>> OldestKey() override;
  Status TouchKey(std::string_view secret_id, UnixMicros at) override;
  Result<std::map<std::string, UnixMicros>> KeysLastUsed(std::string_view account_id) override;
  Result<std::optional<int64_t>> FindSpendBudget(std::string_view account_id) override;
  Status SetSpendBudget(std::string_view account_id, std::optional<int64_t> budget_fen,
                        UnixMicros at) override;

  // UsageTxn (sqlite_usage.cc).
  Status InsertUsage(std::span<const UsageRecord> records) override;
  Result<bool> InsertCall(std::span<const UsageRecord> records) override;
  Result<std::vector<UsageRecord>> ListUsage(std::string_view account_id, UnixMicros from,
                                             UnixMicros to) override;
  Result<std::vector<UsageSum>> SumUsage(std::string_view account_id, UnixMicros from,
                                         UnixMicros to) override;
  Status ScanUsageTotals(UnixMicros from, UnixMicros to, const UsageTotalFn& fn) override;
  Result<std::vector<UsageRecord>> ListUsagePage(std::string_view account_id,
                                                 std::string_view action, UnixMicros from,
                                                 UnixMicros to, UnixMicros after_at,
                                                 std::string_view after_id, int64_t limit) override;

  // PackTxn (sqlite_packs.cc).
  Status InsertPack(const Pack& pack) override;
  Result<Pack> FindPack(std::string_view pack_id) override;
  Result<std::vector<Pack>> ListPacks(std::string_view account_id) override;
  Result<std::vector<Pack>> ListLivePacks(std::string_view account_id, UnixMicros from) override;
  Result<std::optional<Pack>> FindFreePack(std::string_view account_id, std::string_view free_group,
                                           UnixMicros month_start, UnixMicros month_end) override;
  Status AddPackUsed(std::string_view pack_id, int64_t delta) override;
  Status MarkPackRefunded(std::string_view pack_id, UnixMicros at) override;

  // BooksTxn (sqlite_ledger.cc).
  Result<std::optional<LedgerTxn>> FindLedgerTxnByKey(std::string_view idempotency_key) override;
  Status InsertLedgerTxn(const LedgerTxn& txn) override;
  Result<std::map<std::string, int64_t>> Balances(std::string_view owner) override;
  Result<std::vector<LedgerTxn>> ListLedgerTxns(std::string_view account_id) override;
  Result<int64_t> CountLedgerTxns(std::string_view account_id, LedgerKind kind, UnixMicros from,
                                  UnixMicros to) override;
  Result<std::vector<LedgerTxn>> ListLedgerTxnsOfKind(LedgerKind kind, int64_t limit) override;
  Status InsertVoucher(const Voucher& voucher) override;
  Result<Voucher> FindVoucher(std::string_view voucher_id) override;
  Result<std::vector<Voucher>> ListVouchers(std::string_view account_id) override;
  Result<std::vector<Voucher>> ListRecentVouchers(int64_t limit) override;

  // BillTxn (sqlite_bills.cc).
  Result<std::optional<Bill>> FindBill(std::string_view account_id,
                                       std::string_view month) override;
  Status InsertBill(const Bill& bill) override;
  Result<std::vector<std::string>> BilledAccounts(std::string_view month, std::string_view first,
                                                  std::string_view last) override;
  Result<std::optional<Bill>> LatestBill(std::string_view account_id) override;
  Result<std::vector<BillMonth>> ListBillMonths(int64_t limit) override;

  // CatalogTxn (sqlite_catalog.cc).
  Result<std::vector<CatalogVersion>> ListCatalogVersions() override;
  Result<int64_t> InsertCatalogVersion(const CatalogVersion& version) override;

  // NoticeTxn (sqlite_notices.cc).
  Status InsertNotice(const Notice& notice) override;
  Result<std::vector<Notice>> ListNotices(std::string_view account_id) override;
  Result<std::vector<NoticeBatch>> ListNoticeBatches(std::string_view kind, int64_t limit) override;

  // SignInTxn (sqlite_sign_in.cc).
  Status InsertUser(SignInRealm realm, const ConsoleUser& user) override;
  Result<ConsoleUser> FindUser(SignInRealm realm, std::string_view login) override;
  Result<std::vector<ConsoleUser>> ListUsers(SignInRealm realm,
                                             std::string_view account_id) override;
  Status UpdateUser(SignInRealm realm, const ConsoleUser& user) override;
  Status InsertSession(SignInRealm realm, const ConsoleSession& session) override;
  Result<ConsoleSession> FindSession(SignInRealm realm, std::string_view token_hash) override;
  Status DeleteSession(SignInRealm realm, std::string_view token_hash) override;
  Status DeleteSessionsOf(SignInRealm realm, std::string_view login) override;

  // OperatorLogTxn (sqlite_operator_log.cc).
  Status InsertOperatorAction(const OperatorAction& action) override;
  Result<std::vector<OperatorAction>> ListOperatorActions(int64_t limit) override;

  // AuditTxn (sqlite_audit.cc).
  Result<std::vector<std::string>> UnbalancedLedgerTxns() override;
  Result<std::vector<std::string>> PacksWithUsageMismatch() override;
  Result<std::vector<std::string>> UsageTotalsMismatch() override;

  // AlertTxn (sqlite_alerts.cc).
  Result<std::optional<AlertSubscription>> FindAlertSubscription(
      std::string_view account_id) override;
  Status SetAlertSubscription(std::string_view account_id,
                              const std::optional<AlertSubscription>& sub) override;
  Result<std::vector<AlertSubscription>> ListAlertSubscriptions() override;
  Result<bool> InsertAlertNotice(const AlertNotice& notice) override;
  Result<std::vector<AlertNotice>> ListAlertNotices(std::string_view account_id) override;
  Result<int64_t> InsertAlertDelivery(const AlertDelivery& delivery) override;
  Result<bool> UpdateAlertDelivery(const AlertDelivery& delivery,
                                   UnixMicros expected_next_at) override;
  Result<std::vector<AlertDelivery>> ListDueAlertDeliveries(UnixMicros now, int64_t limit) override;
  Result<std::vector<AlertDelivery>> ListAlertDeliveries(std::string_view account_id,
                                                         int64_t limit) override;

  // The transaction's state (sqlite_txn.cc).
  Result<uint64_t> StateAtStart() override { return State(commits_); }
  Result<uint64_t> StateAfterCommit() override;

  // Writes the pending hourly totals (sqlite_usage.cc). REQUIRES: called
  // before COMMIT.
  Status FlushUsageTotals();

 private:
  Result<std::optional<Bill>> QueryBill(const char* sql, std::string_view account_id,
                                        std::string_view month);
  Result<std::vector<std::string>> QueryIds(const char* sql);

  Result<uint64_t> State(uint64_t commits);
  // Logs one record; false if its request_id was logged before.
  Result<bool> LogUsage(const UsageRecord& r);

  // Hourly totals of the records logged in this transaction, written by
  // FlushUsageTotals (before COMMIT, and before anything reads totals).
  struct HourKey {
    UnixMicros hour;
    std::string account_id, action, source;
  };
  struct HourKeyLess {
    using is_transparent = void;
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return View(a) < View(b);
    }
    template <typename K>
    static auto View(const K& k) {
      return std::tuple<UnixMicros, std::string_view, std::string_view, std::string_view>(
          k.hour, k.account_id, k.action, k.source);
    }
  };
  std::map<HourKey, int64_t, HourKeyLess> pending_totals_;

  StatementCache& cache_;
  const uint64_t instance_, commits_;
  const bool write_;
};

}  // namespace kanjian::store
