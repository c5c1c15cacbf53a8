// The storage interface. Domain code (billing, server) sees only this; the
// SQLite (sqlite_*.cc) and PostgreSQL (pg/) backends are the only places that
// talk SQL. Times are UnixMicros,
// money is integer fen (0.01 元), prices per thousand calls are integer
// units of 0.0001 元.
//
// Every operation runs inside a transaction: Store::Write/Read hand the
// caller a Txn; Write commits when the callback returns OK and rolls back
// otherwise, so a multi-step billing operation is atomic. The convenience
// methods on Store each run one operation in its own transaction.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/status.h"

namespace kanjian::store {

// Typed values the store keeps as words (the words are the schema's and the
// wire's: CLI --json, console, billing API). ToString gives the word; Parse…
// reads one back, nullopt for a word the store never writes.
enum class AccountStatus { kInactive, kActive, kDisabled };
// Who paid for a billed call: a free pack, a prepaid pack, or the month's
// post-paid bill.
enum class UsageSource { kFree, kPack, kPostpaid };
enum class PackKind { kFree, kPurchased, kGift };
// A bill is stored only when its month is settled (months without one are
// "open" or "unsettled" in the views, billing::BillView).
enum class BillStatus { kSettled };
// What a ledger transaction records.
enum class LedgerKind { kRecharge, kVoucherGrant, kPurchase, kPackGrant, kRefund, kSettlement };

std::string_view ToString(AccountStatus s);
std::string_view ToString(UsageSource s);
std::string_view ToString(PackKind k);
std::string_view ToString(BillStatus s);
std::string_view ToString(LedgerKind k);
std::optional<AccountStatus> ParseAccountStatus(std::string_view word);
std::optional<UsageSource> ParseUsageSource(std::string_view word);
std::optional<PackKind> ParsePackKind(std::string_view word);
std::optional<BillStatus> ParseBillStatus(std::string_view word);
std::optional<LedgerKind> ParseLedgerKind(std::string_view word);
// A word read back from `column` of the database, parsed by `parse`. The
// store writes only ToString's words, so another is there only if the
// database was edited behind the store (or by a newer version): an
// InternalError naming the column and the word, never a guess at a value.
template <typename E>
Result<E> StoredWord(std::optional<E> (*parse)(std::string_view), std::string_view column,
                     std::string_view word) {
  if (std::optional<E> value = parse(word)) return *value;
  return Status(ErrorCode::kInternalError, std::string(column) + " holds '" + std::string(word) +
                                               "', which is not a word this store writes");
}

struct Account {
  std::string id;
  std::string name;
  AccountStatus status = AccountStatus::kInactive;
  UnixMicros created_at = 0;
  std::optional<UnixMicros> activated_at;
  std::string disabled_reason;  // "" unless disabled ("content-review" | "operator")
};

struct ApiKey {
  std::string secret_id;
  std::string account_id;
  std::string sealed_secret;  // SecretKey under the master key (crypto::SecretBox)
  bool enabled = true;
  UnixMicros created_at = 0;
};

// One billed quantity of an action, attributed to one source. A successful
// API call is one record with quantity 1; an import (`usage record`) may be
// split over several records (one per pack it draws on). request_id is the
// idempotency key: a record inserted twice is stored once.
struct UsageRecord {
  std::string request_id;
  std::string account_id;
  std::string action;
  UnixMicros at = 0;
  int64_t quantity = 1;
  UsageSource source = UsageSource::kPostpaid;
  std::string pack_id;  // "" unless source is free or pack
};
// What every store refuses to log (errc::kInternalError): a quantity below 1,
// a pack named for a post-paid record or missing for a free or pack one.
Status CheckUsageRecord(const UsageRecord& r);

// The loops of Txn::InsertUsage and Txn::InsertCall, the same in every
// backend, around its own `log` (writes or queues one checked record;
// false when its RequestId was logged before).
using LogUsageFn = std::function<Result<bool>(const UsageRecord&)>;
Status InsertUsageRecords(std::span<const UsageRecord> records, const LogUsageFn& log);
Result<bool> InsertCallRecords(std::span<const UsageRecord> records, const LogUsageFn& log);

// The start of the UTC hour holding `at`. Usage totals are kept per hour, so
// SumUsage ranges are whole hours (any whole-hour UTC offset's month is).
constexpr UnixMicros HourOf(UnixMicros at) {
  return (at / kMicrosPerHour - (at % kMicrosPerHour < 0 ? 1 : 0)) * kMicrosPerHour;
}

// Usage summed by (account, action, source).
struct UsageSum {
  std::string account_id;
  std::string action;
  UsageSource source = UsageSource::kPostpaid;
  int64_t quantity = 0;
};

struct Pack {
  std::string id;
  std::string account_id;
  PackKind kind = PackKind::kPurchased;
  std::vector<std::string> actions;  // the actions it covers (a free group may cover several)
  std::string free_group;            // group name for free packs, else ""
  int64_t calls = 0;
  int64_t used = 0;
  UnixMicros created_at = 0;
  UnixMicros expires_at = 0;  // exclusive: usable while at < expires_at
  std::optional<UnixMicros> refunded_at;
  int64_t price_fen = 0;
  std::string promotion;  // "" if none
  bool refundable = false;
  std::string purchase_txn;  // ledger txn that paid for it, "" for free/gift
};

// One leg of a ledger transaction. owner is an AccountId or "platform";
// book names the balance: "cash" | "income" | "gift" | "voucher:<id>" for
// accounts; "external", "revenue:pack", "revenue:postpaid", "vouchers" for
// the platform. Legs of a transaction sum to zero.
struct Posting {
  std::string owner;
  std::string book;
  int64_t amount_fen = 0;
};

// Append-only: never updated or deleted (the schema refuses it); a mistake
// is corrected by a new transaction with a reason.
struct LedgerTxn {
  std::string id;
  std::string idempotency_key;  // unique
  std::string request_hash;     // what was asked, to tell a retry from a reuse
  std::string account_id;
  LedgerKind kind = LedgerKind::kRecharge;
  UnixMicros at = 0;
  std::string ref;  // pack id, bill id, ...
  std::string reason;
  std::vector<Posting> postings;
};
// What every store refuses to record (errc::kInternalError): postings that
// do not sum to zero, or whose sum overflows.
Status CheckBalanced(const LedgerTxn& t);

struct Voucher {
  std::string id;
  std::string account_id;
  int64_t amount_fen = 0;
  UnixMicros granted_at = 0;
  std::optional<UnixMicros> expires_at;  // exclusive
};

struct BillLine {
  std::string action;
  int64_t quantity = 0;       // post-paid calls billed on this line
  int tier = 0;               // 1-based tier reached (or of this segment, graduated)
  int64_t unit_price_e4 = 0;  // per thousand calls, 0.0001 元
  int64_t amount_fen = 0;
};

struct Bill {
  std::string id;
  std::string account_id;
  std::string month;  // "YYYY-MM"
  UnixMicros created_at = 0;
  int64_t total_fen = 0;
  BillStatus status = BillStatus::kSettled;
  std::vector<BillLine> lines;
};

struct CatalogVersion {
  int64_t seq = 0;  // assigned by the store, increasing
  std::string version;
  UnixMicros effective_from = 0;
  UnixMicros published_at = 0;
  std::string body;  // the version's JSON document
};

struct Notice {
  std::string id;
  std::string account_id;
  UnixMicros at = 0;
  std::string kind;
  std::string message;
};

// A tenant console user (server/console/): signs in with a login and
// password to see and run its account's billing.
struct ConsoleUser {
  std::string login;
  std::string account_id;
  std::string password_hash;  // argon2id, encoded ($argon2id$v=19$…)
  bool enabled = true;
  UnixMicros created_at = 0;
  int64_t failed_logins = 0;    // consecutive, reset by a good sign-in
  UnixMicros locked_until = 0;  // sign-in refused before this instant
};

struct ConsoleSession {
  std::string token_hash;  // hex SHA-256 of the session cookie's value
  std::string login;
  std::string csrf_token;
  UnixMicros created_at = 0;
  UnixMicros expires_at = 0;
};

// One state-changing action in the operator console (recharge, disable,
// voucher, catalog publish, bill run…): who, what, when, and how it ended.
struct OperatorAction {
  int64_t id = 0;  // assigned by the store, increasing
  UnixMicros at = 0;
  std::string login;
  std::string action;   // "recharge" | "disable" | "enable" | "voucher" | "publish" | "bill-run" |
                        // "sign-in"…
  std::string target;   // AccountId, month, catalog versions…
  std::string detail;   // what was asked (JSON)
  std::string outcome;  // "OK" or the refusal's error code
};

// The bills of one month over every account: what a settlement run left.
struct BillMonth {
  std::string month;  // "YYYY-MM"
  int64_t bills = 0;
  int64_t total_fen = 0;
  UnixMicros first_at = 0, last_at = 0;  // first and last bill created
};

// A UTC month of the call log moved out of it once billed (PostgreSQL: its
// partition detached into a table of its own, for the operator to archive).
struct DetachedMonth {
  std::string month;  // "YYYY-MM", UTC
  std::string table;  // where its rows are now
  int64_t records = 0;
  UnixMicros detached_at = 0;
};

// Notices of one kind sent at one instant with one text (one publication).
struct NoticeBatch {
  UnixMicros at = 0;
  std::string kind;
  std::string message;
  int64_t accounts = 0;
};

// Alerts (billing/alerts/alerts.h): where an account wants its notices sent.
struct AlertSubscription {
  std::string account_id;
  std::string email;        // "" = no e-mail
  std::string webhook_url;  // "" = no webhook
  // The webhook's HMAC-SHA256 key, made by the server; stored sealed under
  // the master key (hex of crypto::SecretBox, billing/alerts/alert_service.h).
  std::string secret;
  std::vector<std::string> kinds;  // notice kinds wanted; empty = every kind
  std::string language = "en";     // of the e-mail text: "en" | "zh-CN"
  UnixMicros updated_at = 0;
};
// AlertSubscription::kinds as stored: comma-separated, "" = every kind.
std::string JoinKinds(const std::vector<std::string>& kinds);
std::vector<std::string> SplitKinds(std::string_view text);

// The first time the alert dispatcher saw a notice (its dedup key): a
// notice is alerted once, and this is when it happened.
struct AlertNotice {
  std::string account_id;
  std::string key;  // billing::AlertKey
  UnixMicros first_seen_at = 0;
};

// One alert to send on one channel (the outbox) and its delivery log.
struct AlertDelivery {
  int64_t id = 0;  // assigned by the store, increasing
  std::string account_id;
  std::string notice_key;
  std::string kind;                // the notice's kind
  std::string channel;             // "email" | "webhook"
  std::string target;              // the address or URL
  std::string subject;             // e-mail subject ("" for a webhook)
  std::string body;                // webhook: the JSON body; e-mail: the text
  std::string status = "pending";  // "pending" | "delivered" | "failed"
  int64_t attempts = 0;
  UnixMicros created_at = 0;
  UnixMicros next_attempt_at = 0;  // when a pending one is next tried
  UnixMicros last_attempt_at = 0;
  std::string log;  // JSON array: one {"At","Result","NextAt"} per attempt
};

class Txn {
 public:
  virtual ~Txn() = default;

  // Accounts and keys.
  // Name must be unique (errc::kAlreadyExists).
  virtual Status InsertAccount(const Account& account) = 0;
  // Looks up by AccountId, then by name. errc::kNotFound.
  virtual Result<Account> FindAccount(std::string_view id_or_name) = 0;
  virtual Status UpdateAccount(const Account& account) = 0;
  // Every account, ordered by id.
  virtual Result<std::vector<Account>> ListAccounts() = 0;
  virtual Status InsertKey(const ApiKey& key) = 0;
  virtual Result<ApiKey> FindKey(std::string_view secret_id) = 0;  // errc::kNotFound
  virtual Result<std::vector<ApiKey>> ListKeys(std::string_view account_id) = 0;
  virtual Status SetKeyEnabled(std::string_view secret_id, bool enabled) = 0;  // errc::kNotFound
  // The oldest key (enabled or not), nullopt when the database holds none:
  // what the master key check opens at startup.
  virtual Result<std::optional<ApiKey>> OldestKey() = 0;

  // Usage. Inserting a request_id that exists is a no-op (OK).
  virtual Status InsertUsage(std::span<const UsageRecord> records) = 0;
  // Records one billed call: its records (one per source it drew on), the
  // first carrying the call's request_id. If that request_id is already
  // recorded (a retry), records nothing and returns false.
  virtual Result<bool> InsertCall(std::span<const UsageRecord> records) = 0;
  // Records of an account with from <= at < to, oldest first.
  virtual Result<std::vector<UsageRecord>> ListUsage(std::string_view account_id, UnixMicros from,
                                                     UnixMicros to) = 0;
  // Sums by (account, action, source) over from <= at < to; account_id ""
  // means every account. Ordered by account, action, source. `from` and `to`
  // must be whole hours (HourOf(x) == x), else errc::kInternalError.
  virtual Result<std::vector<UsageSum>> SumUsage(std::string_view account_id, UnixMicros from,
                                                 UnixMicros to) = 0;

  // Streams the hourly totals with from <= hour < to, every account, in no
  // particular order (a bill run's one pass over the month). Whole hours.
  using UsageTotalFn = std::function<void(std::string_view account_id, std::string_view action,
                                          UsageSource source, int64_t quantity)>;
  virtual Status ScanUsageTotals(UnixMicros from, UnixMicros to, const UsageTotalFn& fn) = 0;

  // Packs.
  virtual Status InsertPack(const Pack& pack) = 0;
  virtual Result<Pack> FindPack(std::string_view pack_id) = 0;  // errc::kNotFound
  // Every pack of the account, ordered by expires_at, created_at, id.
  virtual Result<std::vector<Pack>> ListPacks(std::string_view account_id) = 0;
  // Packs that may still pay for a call at or after `from`: not refunded,
  // not used up, expires_at > from; in no particular order (attribution's
  // candidates: billing/rules/consumption_order.h orders them).
  virtual Result<std::vector<Pack>> ListLivePacks(std::string_view account_id, UnixMicros from) = 0;
  // The account's free pack of `free_group` issued for the month starting
  // at `month_start` (free packs have created_at within that month).
  virtual Result<std::optional<Pack>> FindFreePack(std::string_view account_id,
                                                   std::string_view free_group,
                                                   UnixMicros month_start,
                                                   UnixMicros month_end) = 0;
  virtual Status AddPackUsed(std::string_view pack_id, int64_t delta) = 0;
  virtual Status MarkPackRefunded(std::string_view pack_id, UnixMicros at) = 0;

  // Ledger. InsertLedgerTxn refuses unbalanced postings (errc::kInternalError)
  // and a duplicate idempotency key (errc::kAlreadyExists).
  virtual Result<std::optional<LedgerTxn>> FindLedgerTxnByKey(std::string_view idempotency_key) = 0;
  virtual Status InsertLedgerTxn(const LedgerTxn& txn) = 0;
  // Sum of postings by book for an owner (AccountId or "platform").
  virtual Result<std::map<std::string, int64_t>> Balances(std::string_view owner) = 0;
  // The owner's transactions, oldest first.
  virtual Result<std::vector<LedgerTxn>> ListLedgerTxns(std::string_view account_id) = 0;
  // Transactions of `kind` for the account with from <= at < to.
  virtual Result<int64_t> CountLedgerTxns(std::string_view account_id, LedgerKind kind,
                                          UnixMicros from, UnixMicros to) = 0;

  // Vouchers.
  virtual Status InsertVoucher(const Voucher& voucher) = 0;
  virtual Result<Voucher> FindVoucher(std::string_view voucher_id) = 0;  // errc::kNotFound
  virtual Result<std::vector<Voucher>> ListVouchers(std::string_view account_id) = 0;

  // Bills: one per (account, month).
  virtual Result<std::optional<Bill>> FindBill(std::string_view account_id,
                                               std::string_view month) = 0;
  virtual Status InsertBill(const Bill& bill) = 0;  // errc::kAlreadyExists for a second one
  // AccountIds in [first, last] that already have a bill for `month` (one
  // query per chunk of a bill run), ordered.
  virtual Result<std::vector<std::string>> BilledAccounts(std::string_view month,
                                                          std::string_view first,
                                                          std::string_view last) = 0;
  // The latest bill of the account, if any.
  virtual Result<std::optional<Bill>> LatestBill(std::string_view account_id) = 0;

  // Catalog versions, ordered by seq.
  virtual Result<std::vector<CatalogVersion>> ListCatalogVersions() = 0;
  virtual Result<int64_t> InsertCatalogVersion(const CatalogVersion& version) = 0;  // returns seq

  virtual Status InsertNotice(const Notice& notice) = 0;
  virtual Result<std::vector<Notice>> ListNotices(std::string_view account_id) = 0;

  // Console users and sessions. InsertConsoleUser: errc::kAlreadyExists
  // for a login taken; Find*: errc::kNotFound.
  virtual Status InsertConsoleUser(const ConsoleUser& user) = 0;
  virtual Result<ConsoleUser> FindConsoleUser(std::string_view login) = 0;
  // account_id "" = every account's users; ordered by login.
  virtual Result<std::vector<ConsoleUser>> ListConsoleUsers(std::string_view account_id) = 0;
  virtual Status UpdateConsoleUser(const ConsoleUser& user) = 0;
  virtual Status InsertConsoleSession(const ConsoleSession& session) = 0;
  virtual Result<ConsoleSession> FindConsoleSession(std::string_view token_hash) = 0;
  virtual Status DeleteConsoleSession(std::string_view token_hash) = 0;
  virtual Status DeleteConsoleSessionsOf(std::string_view login) = 0;

  // Tenant console: spend guard, keys' last use, drill-down.
  // The account's monthly post-paid budget (fen), nullopt when it has none.
  virtual Result<std::optional<int64_t>> FindSpendBudget(std::string_view account_id) = 0;
  // Sets (or, with nullopt, removes) the account's budget.
  virtual Status SetSpendBudget(std::string_view account_id, std::optional<int64_t> budget_fen,
                                UnixMicros at) = 0;
  // Records that a key signed a request at `at` (never moves back).
  virtual Status TouchKey(std::string_view secret_id, UnixMicros at) = 0;
  // Last use of each of the account's keys that was ever used.
  virtual Result<std::map<std::string, UnixMicros>> KeysLastUsed(std::string_view account_id) = 0;
  // Up to `limit` usage records of the account and action with from <= at <
  // to, ordered by (at, request_id), strictly after (after_at, after_id)
  // when after_id is not empty: one page of a drill-down.
  virtual Result<std::vector<UsageRecord>> ListUsagePage(std::string_view account_id,
                                                         std::string_view action, UnixMicros from,
                                                         UnixMicros to, UnixMicros after_at,
                                                         std::string_view after_id,
                                                         int64_t limit) = 0;

  // Identifies the committed state of the database, for caches of what it
  // holds: StateAtStart() is the state this transaction began from, and in a
  // write transaction StateAfterCommit() is the state its commit will leave
  // (ask it after the transaction's last write). The state changes with
  // every commit, by this store or another process (PostgreSQL: every commit
  // that changes packs or accounts, the attribution cache's contents).
  virtual Result<uint64_t> StateAtStart() = 0;
  virtual Result<uint64_t> StateAfterCommit() = 0;

  // Audit helpers: ledger transactions whose postings do not sum to zero,
  // and packs whose `used` differs from the usage records that name them.
  virtual Result<std::vector<std::string>> UnbalancedLedgerTxns() = 0;
  virtual Result<std::vector<std::string>> PacksWithUsageMismatch() = 0;
  // Hourly usage totals that differ from the sums of the per-call log, as
  // "account action source hour <UnixMicros>".
  virtual Result<std::vector<std::string>> UsageTotalsMismatch() = 0;

  // The operator console (store/sqlite_operator_txn.cc). Operators are
  // ConsoleUser rows with account_id "" in a table of their own, with
  // their own sessions; errors as for console users.
  virtual Status InsertOperator(const ConsoleUser& op) = 0;
  virtual Result<ConsoleUser> FindOperator(std::string_view login) = 0;
  virtual Result<std::vector<ConsoleUser>> ListOperators() = 0;  // by login
  virtual Status UpdateOperator(const ConsoleUser& op) = 0;
  virtual Status InsertOperatorSession(const ConsoleSession& session) = 0;
  virtual Result<ConsoleSession> FindOperatorSession(std::string_view token_hash) = 0;
  virtual Status DeleteOperatorSession(std::string_view token_hash) = 0;
  virtual Status DeleteOperatorSessionsOf(std::string_view login) = 0;
  // The operator log, append-only; List: newest first, at most `limit`.
  virtual Status InsertOperatorAction(const OperatorAction& action) = 0;
  virtual Result<std::vector<OperatorAction>> ListOperatorActions(int64_t limit) = 0;
  // Read models over every account, newest first, at most `limit` rows:
  // ledger transactions of one kind, vouchers, settled months, and notices
  // of one kind grouped by sending.
  virtual Result<std::vector<LedgerTxn>> ListLedgerTxnsOfKind(LedgerKind kind, int64_t limit) = 0;
  virtual Result<std::vector<Voucher>> ListRecentVouchers(int64_t limit) = 0;
  virtual Result<std::vector<BillMonth>> ListBillMonths(int64_t limit) = 0;
  virtual Result<std::vector<NoticeBatch>> ListNoticeBatches(std::string_view kind,
                                                             int64_t limit) = 0;

  // Alerts (store/sqlite_alerts.cc). Set with nullopt removes the account's
  // subscription; List: every subscription, by account.
  virtual Result<std::optional<AlertSubscription>> FindAlertSubscription(
      std::string_view account_id) = 0;
  virtual Status SetAlertSubscription(std::string_view account_id,
                                      const std::optional<AlertSubscription>& sub) = 0;
  virtual Result<std::vector<AlertSubscription>> ListAlertSubscriptions() = 0;
  // Records a notice's first sighting; false (and nothing written) when its
  // key was seen before.
  virtual Result<bool> InsertAlertNotice(const AlertNotice& notice) = 0;
  virtual Result<std::vector<AlertNotice>> ListAlertNotices(std::string_view account_id) = 0;
  // Returns the id assigned.
  virtual Result<int64_t> InsertAlertDelivery(const AlertDelivery& delivery) = 0;
  // Writes status, attempts, next/last attempt, target and log of
  // delivery.id, only
  // if its next_attempt_at is still `expected_next_at` (so two nodes never
  // both claim one); false when it was not.
  virtual Result<bool> UpdateAlertDelivery(const AlertDelivery& delivery,
                                           UnixMicros expected_next_at) = 0;
  // Pending deliveries with next_attempt_at <= now, soonest first.
  virtual Result<std::vector<AlertDelivery>> ListDueAlertDeliveries(UnixMicros now,
                                                                    int64_t limit) = 0;
  // The account's deliveries, newest first.
  virtual Result<std::vector<AlertDelivery>> ListAlertDeliveries(std::string_view account_id,
                                                                 int64_t limit) = 0;
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
