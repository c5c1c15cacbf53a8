// The Store conveniences: each one operation in its own transaction, built
// on Write/Read, so every implementation gets them for free.
#include "store/store.h"

#include <iterator>

#include "common/error_codes.h"

namespace kanjian::store {

namespace {

// Each enum's words, indexed by its value (the enums are dense from 0).
constexpr std::string_view kAccountStatusWords[] = {"inactive", "active", "disabled"};
constexpr std::string_view kUsageSourceWords[] = {"free", "pack", "postpaid"};
constexpr std::string_view kPackKindWords[] = {"free", "purchased", "gift"};
constexpr std::string_view kBillStatusWords[] = {"settled"};
constexpr std::string_view kLedgerKindWords[] = {"recharge",   "voucher_grant", "purchase",
                                                 "pack_grant", "refund",        "settlement"};
static_assert(std::size(kAccountStatusWords) == size_t(AccountStatus::kDisabled) + 1);
static_assert(std::size(kUsageSourceWords) == size_t(UsageSource::kPostpaid) + 1);
static_assert(std::size(kPackKindWords) == size_t(PackKind::kGift) + 1);
static_assert(std::size(kBillStatusWords) == size_t(BillStatus::kSettled) + 1);
static_assert(std::size(kLedgerKindWords) == size_t(LedgerKind::kSettlement) + 1);

template <typename E, size_t N>
std::optional<E> ParseWord(std::string_view word, const std::string_view (&words)[N]) {
  for (size_t i = 0; i < N; ++i)
    if (words[i] == word) return static_cast<E>(i);
  return std::nullopt;
}

}  // namespace

std::string_view ToString(AccountStatus s) {
  return kAccountStatusWords[size_t(s)];
}
std::string_view ToString(UsageSource s) {
  return kUsageSourceWords[size_t(s)];
}
std::string_view ToString(PackKind k) {
  return kPackKindWords[size_t(k)];
}
std::string_view ToString(BillStatus s) {
  return kBillStatusWords[size_t(s)];
}
std::string_view ToString(LedgerKind k) {
  return kLedgerKindWords[size_t(k)];
}

std::optional<AccountStatus> ParseAccountStatus(std::string_view word) {
  return ParseWord<AccountStatus>(word, kAccountStatusWords);
}
std::optional<UsageSource> ParseUsageSource(std::string_view word) {
  return ParseWord<UsageSource>(word, kUsageSourceWords);
}
std::optional<PackKind> ParsePackKind(std::string_view word) {
  return ParseWord<PackKind>(word, kPackKindWords);
}
std::optional<BillStatus> ParseBillStatus(std::string_view word) {
  return ParseWord<BillStatus>(word, kBillStatusWords);
}
std::optional<LedgerKind> ParseLedgerKind(std::string_view word) {
  return ParseWord<LedgerKind>(word, kLedgerKindWords);
}

Status CheckUsageRecord(const UsageRecord& r) {
  auto bad = [&](const char* why) {
    return Status(errc::kInternalError, "usage record '" + r.request_id + "': " + why);
  };
  if (r.quantity <= 0) return bad("quantity must be positive");
  if ((r.source == UsageSource::kPostpaid) != r.pack_id.empty())
    return bad("a pack is named exactly when the source is free or pack");
  return Status::Ok();
}

Status InsertUsageRecords(std::span<const UsageRecord> records, const LogUsageFn& log) {
  for (const UsageRecord& r : records) {
    RETURN_IF_ERROR(log(r));
  }
  return Status::Ok();
}

// A call's first record decides whether the call is new; the rest must be
// new with it (a part logged without its call is a broken log).
Result<bool> InsertCallRecords(std::span<const UsageRecord> records, const LogUsageFn& log) {
  if (records.empty()) return Status(errc::kInternalError, "a call has at least one usage record");
  auto first = log(records[0]);
  if (!first.ok() || !*first) return first;
  for (const UsageRecord& r : records.subspan(1)) {
    ASSIGN_OR_RETURN(auto logged, log(r));
    if (!logged)
      return Status(errc::kInternalError,
                    "usage record '" + r.request_id + "' exists without its call");
  }
  return true;
}

std::string JoinKinds(const std::vector<std::string>& kinds) {
  std::string out;
  for (const std::string& k : kinds) out += (out.empty() ? "" : ",") + k;
  return out;
}

std::vector<std::string> SplitKinds(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    const size_t comma = text.find(',');
    if (comma != 0) out.emplace_back(text.substr(0, comma));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

Status CheckBalanced(const LedgerTxn& t) {
  int64_t sum = 0;
  for (const Posting& p : t.postings) {
    if (__builtin_add_overflow(sum, p.amount_fen, &sum))
      return Status(errc::kInternalError, "ledger txn '" + t.id + "': postings overflow");
  }
  if (sum != 0)
    return Status(errc::kInternalError, "ledger txn '" + t.id + "': postings sum to " +
                                            std::to_string(sum) + " fen, not 0");
  return Status::Ok();
}

namespace {

// Runs `op` (Txn& → Result<T>) in a read transaction and returns its value;
// `one_statement`: op sends one statement (Store::ReadOne).
template <typename T, typename Op>
Result<T> ReadValue(Store& store, Op op, bool one_statement = false) {
  std::optional<T> out;
  auto body = [&](Txn& txn) -> Status {
    ASSIGN_OR_RETURN(T r, op(txn));
    out = std::move(r);
    return Status::Ok();
  };
  RETURN_IF_ERROR(one_statement ? store.ReadOne(body) : store.Read(body));
  return std::move(*out);
}

}  // namespace

Result<DetachedMonth> Store::DetachUsageMonth(std::string_view utc_month, UnixMicros) {
  return Status(errc::kUnsupportedOperation,
                "this store keeps its call log in one table: detaching month " +
                    std::string(utc_month) + " needs a PostgreSQL store (--db postgresql://…)");
}

Status Store::CreateAccount(const Account& account, const ApiKey& first_key) {
  return Write([&](Txn& txn) -> Status {
    RETURN_IF_ERROR(txn.InsertAccount(account));
    return txn.InsertKey(first_key);
  });
}

Result<Account> Store::FindAccount(std::string_view id_or_name) {
  return ReadValue<Account>(
      *this, [&](Txn& txn) { return txn.FindAccount(id_or_name); }, /*one_statement=*/true);
}

Status Store::UpdateAccount(const Account& account) {
  return Write([&](Txn& txn) { return txn.UpdateAccount(account); });
}

Status Store::InsertKey(const ApiKey& key) {
  return Write([&](Txn& txn) { return txn.InsertKey(key); });
}

Result<std::optional<ApiKey>> Store::OldestKey() {
  return ReadValue<std::optional<ApiKey>>(*this, [](Txn& txn) { return txn.OldestKey(); });
}

Result<ApiKey> Store::FindKey(std::string_view secret_id) {
  return ReadValue<ApiKey>(
      *this, [&](Txn& txn) { return txn.FindKey(secret_id); }, /*one_statement=*/true);
}

Result<std::vector<ApiKey>> Store::ListKeys(std::string_view account_id) {
  return ReadValue<std::vector<ApiKey>>(*this, [&](Txn& txn) { return txn.ListKeys(account_id); });
}

Status Store::SetKeyEnabled(std::string_view secret_id, bool enabled) {
  return Write([&](Txn& txn) { return txn.SetKeyEnabled(secret_id, enabled); });
}

// The old key must exist (errc::kNotFound, nothing inserted) and belong to
// the replacement's account.
Status Store::RotateKey(std::string_view old_secret_id, const ApiKey& replacement) {
  return Write([&](Txn& txn) -> Status {
    ASSIGN_OR_RETURN(auto old, txn.FindKey(old_secret_id));
    if (old.account_id != replacement.account_id)
      return Status(errc::kInvalidParameterValue,
                    "key '" + std::string(old_secret_id) + "' belongs to another account");
    RETURN_IF_ERROR(txn.InsertKey(replacement));
    return txn.SetKeyEnabled(old_secret_id, false);
  });
}

Status Store::AppendUsage(std::span<const UsageRecord> records) {
  return Write([&](Txn& txn) { return txn.InsertUsage(records); });
}

Result<std::vector<UsageRecord>> Store::ListUsage(std::string_view account_id, UnixMicros from,
                                                  UnixMicros to) {
  return ReadValue<std::vector<UsageRecord>>(
      *this, [&](Txn& txn) { return txn.ListUsage(account_id, from, to); });
}

}  // namespace kanjian::store
