// The PostgreSQL implementation of Txn: one file per aggregate interface
// (pg_accounts.cc, pg_usage.cc, ... as the class below lists them), and the
// transaction's plumbing in pg_txn.cc. A PgTxn lives for one attempt of a
// Store::Write/Read body on one pooled connection; pg_store.cc has begun
// the transaction.
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <unordered_set>

#include "store/pg/pg_db.h"
#include "store/store.h"

namespace kanjian::store::pg {

// How a read transaction begins (pg_store.cc; or PgTxn, for a ReadOne
// whose statement is not a SELECT).
inline constexpr char kBeginRead[] = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";

// What a write attempt learnt that the next attempt must know.
struct AttemptMemo {
  // UTC months ("YYYY-MM") whose usage partition must exist before the
  // body can run again (made outside the transaction, see pg_store.cc).
  std::set<std::string> missing_partitions;
  // RequestIds InsertCall answered "new" for, that the log already held
  // (found when the batch was written): the body runs again and is told.
  std::unordered_set<std::string> known_duplicates;
  bool rerun = false;
};

class PgTxn final : public Txn {
 public:
  // `slot`: this connection's row in store_state (see StateAtStart);
  // `known_months`: UTC months whose usage partition exists.
  // `bare` (Store::ReadOne): a read whose one statement, a SELECT, is sent
  // with no transaction around it; a second statement is refused.
  PgTxn(PgConnection& db, bool write, int slot,
        const std::function<bool(const std::string&)>& has_month, AttemptMemo& memo,
        bool bare = false)
      : db_(db), write_(write), slot_(slot), has_month_(has_month), memo_(memo), bare_(bare) {}

  // AccountTxn (pg_accounts.cc).
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

  // UsageTxn (pg_usage.cc).
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

  // PackTxn (pg_packs.cc).
  Status InsertPack(const Pack& pack) override;
  Result<Pack> FindPack(std::string_view pack_id) override;
  Result<std::vector<Pack>> ListPacks(std::string_view account_id) override;
  Result<std::vector<Pack>> ListLivePacks(std::string_view account_id, UnixMicros from) override;
  Result<std::optional<Pack>> FindFreePack(std::string_view account_id, std::string_view free_group,
                                           UnixMicros month_start, UnixMicros month_end) override;
  Status AddPackUsed(std::string_view pack_id, int64_t delta) override;
  Status MarkPackRefunded(std::string_view pack_id, UnixMicros at) override;

  // BooksTxn (pg_ledger.cc).
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

  // BillTxn (pg_bills.cc).
  Result<std::optional<Bill>> FindBill(std::string_view account_id,
                                       std::string_view month) override;
  Status InsertBill(const Bill& bill) override;
  Result<std::vector<std::string>> BilledAccounts(std::string_view month, std::string_view first,
                                                  std::string_view last) override;
  Result<std::optional<Bill>> LatestBill(std::string_view account_id) override;
  Result<std::vector<BillMonth>> ListBillMonths(int64_t limit) override;

  // CatalogTxn (pg_catalog.cc).
  Result<std::vector<CatalogVersion>> ListCatalogVersions() override;
  Result<int64_t> InsertCatalogVersion(const CatalogVersion& version) override;

  // NoticeTxn (pg_notices.cc).
  Status InsertNotice(const Notice& notice) override;
  Result<std::vector<Notice>> ListNotices(std::string_view account_id) override;
  Result<std::vector<NoticeBatch>> ListNoticeBatches(std::string_view kind, int64_t limit) override;

  // SignInTxn (pg_sign_in.cc).
  Status InsertUser(SignInRealm realm, const ConsoleUser& user) override;
  Result<ConsoleUser> FindUser(SignInRealm realm, std::string_view login) override;
  Result<std::vector<ConsoleUser>> ListUsers(SignInRealm realm,
                                             std::string_view account_id) override;
  Status UpdateUser(SignInRealm realm, const ConsoleUser& user) override;
  Status InsertSession(SignInRealm realm, const ConsoleSession& session) override;
  Result<ConsoleSession> FindSession(SignInRealm realm, std::string_view token_hash) override;
  Status DeleteSession(SignInRealm realm, std::string_view token_hash) override;
  Status DeleteSessionsOf(SignInRealm realm, std::string_view login) override;

  // OperatorLogTxn (pg_operator_log.cc).
  Status InsertOperatorAction(const OperatorAction& action) override;
  Result<std::vector<OperatorAction>> ListOperatorActions(int64_t limit) override;

  // AuditTxn (pg_audit.cc).
  Result<std::vector<std::string>> UnbalancedLedgerTxns() override;
  Result<std::vector<std::string>> PacksWithUsageMismatch() override;
  Result<std::vector<std::string>> UsageTotalsMismatch() override;

  // AlertTxn (pg_alerts.cc).
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

  // The transaction's state (pg_txn.cc).
  Result<uint64_t> StateAtStart() override;
  Result<uint64_t> StateAfterCommit() override;

  // Writes what the transaction queued (usage records with their hourly
  // totals, pack use, the state bump) in one round trip. Every other
  // statement of the transaction runs after it (Exec).
  Status FlushUsageTotals() { return Flush(/*commit=*/false); }
  // Writes what is queued and commits, in one round trip (a refused
  // statement makes the server skip the COMMIT). pg_store.cc calls it.
  Status Commit() { return Flush(/*commit=*/true); }

 private:
  // Records that this transaction changes what the attribution cache holds
  // (packs, accounts): bumps this connection's store_state row once.
  Status Changed();
  // Runs a statement after flushing what is queued.
  Result<PgResult> Exec(const char* sql, const std::vector<Param>& params);
  Status Flush(bool commit);
  // The statements writing the queued usage / pack use (and clearing them).
  PgConnection::Statement UsageStatement();
  PgConnection::Statement PackUseStatement();
  // A flush's failure, told apart: a call logged before (the body runs
  // again, told), a pack that does not exist, pack use out of bounds.
  Status UsageFailed(const Status& failed);
  Status FlushFailed(const Status& failed, int usage_at, int pack_at,
                     const std::map<std::string, int64_t>& pack_use);
  Result<bool> LogUsage(const UsageRecord& r);
  Result<std::optional<Bill>> QueryBill(const char* sql, const std::vector<Param>& params);
  Result<std::vector<std::string>> QueryIds(const char* sql);

  PgConnection& db_;
  const bool write_;
  const int slot_;
  const std::function<bool(const std::string&)>& has_month_;
  AttemptMemo& memo_;
  // Queued by InsertUsage/InsertCall (one statement per batch, not one
  // round trip per call); ids_ holds every RequestId this transaction
  // logged or queued; call_ids_ those InsertCall answered "new" for.
  std::vector<UsageRecord> pending_usage_;
  std::unordered_set<std::string> ids_, call_ids_;
  std::map<std::string, int64_t> pending_pack_use_;  // pack id → delta
  std::set<std::string> batch_months_;               // UTC months of the usage sent
  bool bumped_ = false;
  std::optional<int64_t> state_at_start_;
  bool changed_ = false;
  bool sealed_ = false;  // StateAfterCommit was asked
  bool bare_;            // until a statement other than a SELECT begins a transaction
  int statements_ = 0;   // sent bare by Exec
};

// SQLSTATEs that kanjian_refuse (pg_schema.h) raises from a batch statement.
#define KANJIAN_LOGGED_BEFORE "KJ001"  // a call's RequestId was logged before
#define KANJIAN_NO_SUCH_PACK "KJ002"   // pack use named a pack that does not exist
inline constexpr char kLoggedBeforeState[] = KANJIAN_LOGGED_BEFORE;
inline constexpr char kNoSuchPackState[] = KANJIAN_NO_SUCH_PACK;

// Shared by the aggregate files.
Status NotFound(std::string_view what, std::string_view id);
// A failed statement as errc::kAlreadyExists when it broke a unique key
// (SQLSTATE 23505), else its own status.
Status UniqueAs(PgConnection& db, const Status& failed, std::string_view exists_message);
Param PBool(bool value);
// A PostgreSQL array literal ({"a","b"}), each element quoted.
std::string TextArray(const std::vector<std::string>& items);
Param P(const std::optional<int64_t>& value);
// Ledger transactions from rows of (id, idempotency_key, request_hash,
// account_id, kind, at, ref, reason, owner, book, amount_fen), one row per
// leg, a transaction's legs adjacent (pg_ledger.cc).
Result<std::vector<LedgerTxn>> ReadLedgerTxns(const PgResult& r);

}  // namespace kanjian::store::pg
