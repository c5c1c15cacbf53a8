// SqliteTxn's AccountTxn: accounts and API keys (the accounts and api_keys
// tables), keys' last use and spend budgets (spend_budgets).
// Each statement is a named constant beside the function that runs it.
#include "store/sqlite_txn.h"

#include "common/error_codes.h"
#include "store/sqlite_rows.h"

namespace kanjian::store {

namespace {

Result<Account> ReadAccount(const Statement& s) {
  ASSIGN_OR_RETURN(AccountStatus status,
                   StoredWord(ParseAccountStatus, "accounts.status", s.TextView(2)));
  return Account{s.Text(0), s.Text(1), status, s.Int(3), s.OptionalInt(4), s.Text(5)};
}

ApiKey ReadKey(const Statement& s) {
  return ApiKey{s.Text(0), s.Text(1), s.Text(2), s.Int(3) != 0, s.Int(4)};
}

}  // namespace

namespace {
constexpr char kInsertAccount[] =
    "INSERT INTO accounts(id,name,status,created_at,activated_at,disabled_reason) "
    "VALUES(?1,?2,?3,?4,?5,?6)";
}  // namespace

Status SqliteTxn::InsertAccount(const Account& a) {
  auto s = cache_.Get(kInsertAccount);
  s->Bind(1, a.id).Bind(2, a.name).Bind(3, ToString(a.status)).Bind(4, a.created_at);
  BindOptional(*s, 5, a.activated_at);
  s->Bind(6, a.disabled_reason);
  return Run(*s, "an account named '" + a.name + "' or with id '" + a.id + "' already exists");
}

namespace {
constexpr char kSelectAccount[] =
    "SELECT id,name,status,created_at,activated_at,disabled_reason FROM accounts WHERE id=?1 "
    "UNION ALL SELECT id,name,status,created_at,activated_at,disabled_reason FROM accounts "
    "WHERE name=?1 AND id<>?1 LIMIT 1";
}  // namespace

Result<Account> SqliteTxn::FindAccount(std::string_view id_or_name) {
  auto s = cache_.Get(kSelectAccount);
  s->Bind(1, id_or_name);
  return One<Account>(*s, ReadAccount, "account", id_or_name);
}

namespace {
constexpr char kUpdateAccount[] =
    "UPDATE accounts SET name=?2,status=?3,activated_at=?4,disabled_reason=?5 WHERE id=?1";
}  // namespace

Status SqliteTxn::UpdateAccount(const Account& a) {
  auto s = cache_.Get(kUpdateAccount);
  s->Bind(1, a.id).Bind(2, a.name).Bind(3, ToString(a.status));
  BindOptional(*s, 4, a.activated_at);
  s->Bind(5, a.disabled_reason);
  RETURN_IF_ERROR(Run(*s, "an account named '" + a.name + "' already exists"));
  if (sqlite3_changes(cache_.db()) == 0) return NotFound("account", a.id);
  return Status::Ok();
}

namespace {
constexpr char kSelectAccounts[] =
    "SELECT id,name,status,created_at,activated_at,disabled_reason FROM accounts ORDER BY id";
}  // namespace

Result<std::vector<Account>> SqliteTxn::ListAccounts() {
  auto s = cache_.Get(kSelectAccounts);
  return Collect<Account>(*s, ReadAccount);
}

namespace {
constexpr char kInsertKey[] =
    "INSERT INTO api_keys(secret_id,account_id,sealed_secret,enabled,created_at) "
    "VALUES(?1,?2,?3,?4,?5)";
}  // namespace

Status SqliteTxn::InsertKey(const ApiKey& k) {
  auto s = cache_.Get(kInsertKey);
  s->Bind(1, k.secret_id).Bind(2, k.account_id).BindBlob(3, k.sealed_secret);
  s->Bind(4, int64_t{k.enabled ? 1 : 0}).Bind(5, k.created_at);
  return Run(*s, "key '" + k.secret_id + "' already exists");
}

namespace {
constexpr char kSelectKey[] =
    "SELECT secret_id,account_id,sealed_secret,enabled,created_at FROM api_keys "
    "WHERE secret_id=?1";
}  // namespace

Result<ApiKey> SqliteTxn::FindKey(std::string_view secret_id) {
  auto s = cache_.Get(kSelectKey);
  s->Bind(1, secret_id);
  return One<ApiKey>(*s, ReadKey, "key", secret_id);
}

namespace {
constexpr char kSelectKeys[] =
    "SELECT secret_id,account_id,sealed_secret,enabled,created_at FROM api_keys "
    "WHERE account_id=?1 ORDER BY created_at, secret_id";
}  // namespace

Result<std::vector<ApiKey>> SqliteTxn::ListKeys(std::string_view account_id) {
  auto s = cache_.Get(kSelectKeys);
  s->Bind(1, account_id);
  return Collect<ApiKey>(*s, ReadKey);
}

namespace {
constexpr char kSelectOldestKey[] =
    "SELECT secret_id,account_id,sealed_secret,enabled,created_at FROM api_keys "
    "ORDER BY created_at, secret_id LIMIT 1";
}  // namespace

Result<std::optional<ApiKey>> SqliteTxn::OldestKey() {
  auto s = cache_.Get(kSelectOldestKey);
  if (s->Step()) return std::optional<ApiKey>(ReadKey(*s));
  if (!s->status().ok()) return s->status();
  return std::optional<ApiKey>();
}

namespace {
constexpr char kSetKeyEnabled[] = "UPDATE api_keys SET enabled=?2 WHERE secret_id=?1";
}  // namespace

Status SqliteTxn::SetKeyEnabled(std::string_view secret_id, bool enabled) {
  auto s = cache_.Get(kSetKeyEnabled);
  s->Bind(1, secret_id).Bind(2, int64_t{enabled ? 1 : 0}).Step();
  if (!s->status().ok()) return s->status();
  if (sqlite3_changes(cache_.db()) == 0) return NotFound("key", secret_id);
  return Status::Ok();
}

// Keys' last use and the spend budget (spend_budgets) of the tenant console.
namespace {
constexpr char kSelectSpendBudget[] = "SELECT budget_fen FROM spend_budgets WHERE account_id=?1";
constexpr char kUpsertSpendBudget[] =
    "INSERT INTO spend_budgets(account_id,budget_fen,updated_at) VALUES(?1,?2,?3) "
    "ON CONFLICT(account_id) DO UPDATE SET "
    "budget_fen=excluded.budget_fen,updated_at=excluded.updated_at";
constexpr char kDeleteSpendBudget[] = "DELETE FROM spend_budgets WHERE account_id=?1";
constexpr char kTouchKey[] =
    "UPDATE api_keys SET last_used_at=?2 WHERE secret_id=?1 "
    "AND (last_used_at IS NULL OR last_used_at<?2)";
constexpr char kSelectKeysLastUsed[] =
    "SELECT secret_id,last_used_at FROM api_keys WHERE account_id=?1 AND last_used_at IS NOT NULL";
}  // namespace

Result<std::optional<int64_t>> SqliteTxn::FindSpendBudget(std::string_view account_id) {
  auto s = cache_.Get(kSelectSpendBudget);
  s->Bind(1, account_id);
  std::optional<int64_t> out;
  if (s->Step()) out = s->Int(0);
  if (!s->status().ok()) return s->status();
  return out;
}

Status SqliteTxn::SetSpendBudget(std::string_view account_id, std::optional<int64_t> budget_fen,
                                 UnixMicros at) {
  auto s = cache_.Get(budget_fen ? kUpsertSpendBudget : kDeleteSpendBudget);
  s->Bind(1, account_id);
  if (budget_fen) s->Bind(2, *budget_fen).Bind(3, at);
  s->Step();
  return s->status();
}

Status SqliteTxn::TouchKey(std::string_view secret_id, UnixMicros at) {
  auto s = cache_.Get(kTouchKey);
  s->Bind(1, secret_id).Bind(2, at).Step();
  return s->status();
}

Result<std::map<std::string, UnixMicros>> SqliteTxn::KeysLastUsed(std::string_view account_id) {
  auto s = cache_.Get(kSelectKeysLastUsed);
  s->Bind(1, account_id);
  std::map<std::string, UnixMicros> out;
  while (s->Step()) out[s->Text(0)] = s->Int(1);
  if (!s->status().ok()) return s->status();
  return out;
}

}  // namespace kanjian::store
