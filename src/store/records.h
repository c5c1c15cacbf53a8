// The records the store keeps and the words its enums are stored as: what
// every aggregate interface (account_txn.h, usage_txn.h, ...) reads and
// writes. Times are UnixMicros, money is integer fen (0.01 元), prices per
// thousand calls are integer units of 0.0001 元.
#pragma once

#include <cstdint>
#include <functional>
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

// The loops of UsageTxn::InsertUsage and UsageTxn::InsertCall, the same in every
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

}  // namespace kanjian::store
