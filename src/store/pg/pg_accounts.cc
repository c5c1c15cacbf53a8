// PgTxn's AccountTxn: accounts, API keys (with their last use) and spend
// budgets on PostgreSQL. Sealed secrets are bytes: they cross
// libpq's text protocol as hex.
#include "common/crypto.h"
#include "common/error_codes.h"
#include "store/pg/pg_txn.h"

namespace kanjian::store::pg {
namespace {

constexpr char kInsertAccount[] =
    "INSERT INTO accounts(id,name,status,created_at,activated_at,disabled_reason) "
    "VALUES($1,$2,$3,$4,$5,$6)";
constexpr char kSelectAccount[] =
    "SELECT id,name,status,created_at,activated_at,disabled_reason FROM accounts WHERE id=$1 "
    "UNION ALL (SELECT id,name,status,created_at,activated_at,disabled_reason FROM accounts "
    "WHERE name=$1 AND id<>$1) LIMIT 1";
constexpr char kUpdateAccount[] =
    "UPDATE accounts SET name=$2,status=$3,activated_at=$4,disabled_reason=$5 WHERE id=$1";
constexpr char kSelectAccounts[] =
    "SELECT id,name,status,created_at,activated_at,disabled_reason FROM accounts ORDER BY id";
constexpr char kInsertKey[] =
    "INSERT INTO api_keys(secret_id,account_id,sealed_secret,enabled,created_at) "
    "VALUES($1,$2,decode($3,'hex'),$4,$5)";
#define KANJIAN_KEY_COLUMNS "secret_id,account_id,encode(sealed_secret,'hex'),enabled,created_at"
constexpr char kSelectKey[] = "SELECT " KANJIAN_KEY_COLUMNS " FROM api_keys WHERE secret_id=$1";
constexpr char kSelectKeys[] = "SELECT " KANJIAN_KEY_COLUMNS
                               " FROM api_keys WHERE account_id=$1 ORDER BY created_at, secret_id";
constexpr char kSelectOldestKey[] =
    "SELECT " KANJIAN_KEY_COLUMNS " FROM api_keys ORDER BY created_at, secret_id LIMIT 1";
#undef KANJIAN_KEY_COLUMNS
constexpr char kSetKeyEnabled[] = "UPDATE api_keys SET enabled=$2 WHERE secret_id=$1";

// Keys' last use and the spend budget (spend_budgets).
constexpr char kSelectSpendBudget[] = "SELECT budget_fen FROM spend_budgets WHERE account_id=$1";
constexpr char kUpsertSpendBudget[] =
    "INSERT INTO spend_budgets(account_id,budget_fen,updated_at) VALUES($1,$2,$3) "
    "ON CONFLICT(account_id) DO UPDATE SET "
    "budget_fen=excluded.budget_fen,updated_at=excluded.updated_at";
constexpr char kDeleteSpendBudget[] = "DELETE FROM spend_budgets WHERE account_id=$1";
constexpr char kTouchKey[] =
    "UPDATE api_keys SET last_used_at=$2 WHERE secret_id=$1 AND (last_used_at IS NULL OR "
    "last_used_at<$2)";
constexpr char kSelectKeysLastUsed[] =
    "SELECT secret_id,last_used_at FROM api_keys WHERE account_id=$1 AND last_used_at IS NOT NULL";

Result<Account> ReadAccount(const PgResult& r, int i) {
  ASSIGN_OR_RETURN(AccountStatus status,
                   StoredWord(ParseAccountStatus, "accounts.status", r.Text(i, 2)));
  return Account{r.Text(i, 0), r.Text(i, 1),        status,
                 r.Int(i, 3),  r.OptionalInt(i, 4), r.Text(i, 5)};
}

ApiKey ReadKey(const PgResult& r, int i) {
  // Sealed secrets are stored as hex (text columns); one that does not decode
  // reads as empty and then fails to open, like any tampered secret.
  auto sealed = crypto::Unhex(r.Text(i, 2));
  return ApiKey{r.Text(i, 0), r.Text(i, 1), sealed.ok() ? *sealed : std::string(),
                r.Text(i, 3) == "t", r.Int(i, 4)};
}

}  // namespace

Status NotFound(std::string_view what, std::string_view id) {
  return Status(errc::kNotFound, "no " + std::string(what) + " '" + std::string(id) + "'");
}

Status UniqueAs(PgConnection& db, const Status& failed, std::string_view exists_message) {
  if (db.sqlstate() == "23505") return Status(errc::kAlreadyExists, std::string(exists_message));
  return failed;
}

std::string TextArray(const std::vector<std::string>& items) {
  std::string out = "{";
  for (const std::string& item : items) {
    if (out.size() > 1) out += ',';
    out += '"';
    for (char c : item) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

Param PBool(bool value) {
  return std::string(value ? "true" : "false");
}
Param P(const std::optional<int64_t>& value) {
  if (!value) return std::nullopt;
  return std::to_string(*value);
}

Status PgTxn::InsertAccount(const Account& a) {
  auto r = Exec(kInsertAccount, {P(a.id), P(a.name), P(ToString(a.status)), P(a.created_at),
                                 P(a.activated_at), P(a.disabled_reason)});
  if (!r.ok())
    return UniqueAs(db_, r.status(),
                    "an account named '" + a.name + "' or with id '" + a.id + "' already exists");
  return Status::Ok();
}

Result<Account> PgTxn::FindAccount(std::string_view id_or_name) {
  ASSIGN_OR_RETURN(auto r, Exec(kSelectAccount, {P(id_or_name)}));
  if (r.rows() == 0) return NotFound("account", id_or_name);
  return ReadAccount(r, 0);
}

Status PgTxn::UpdateAccount(const Account& a) {
  auto r = Exec(kUpdateAccount, {P(a.id), P(a.name), P(ToString(a.status)), P(a.activated_at),
                                 P(a.disabled_reason)});
  if (!r.ok()) return UniqueAs(db_, r.status(), "an account named '" + a.name + "' already exists");
  if (r->affected() == 0) return NotFound("account", a.id);
  return Changed();
}

Result<std::vector<Account>> PgTxn::ListAccounts() {
  ASSIGN_OR_RETURN(auto r, Exec(kSelectAccounts, {}));
  std::vector<Account> out;
  for (int i = 0; i < r.rows(); ++i) {
    ASSIGN_OR_RETURN(Account account, ReadAccount(r, i));
    out.push_back(std::move(account));
  }
  return out;
}

Status PgTxn::InsertKey(const ApiKey& k) {
  auto r = Exec(kInsertKey, {P(k.secret_id), P(k.account_id), P(crypto::Hex(k.sealed_secret)),
                             PBool(k.enabled), P(k.created_at)});
  if (!r.ok()) return UniqueAs(db_, r.status(), "key '" + k.secret_id + "' already exists");
  return Status::Ok();
}

Result<ApiKey> PgTxn::FindKey(std::string_view secret_id) {
  ASSIGN_OR_RETURN(auto r, Exec(kSelectKey, {P(secret_id)}));
  if (r.rows() == 0) return NotFound("key", secret_id);
  return ReadKey(r, 0);
}

Result<std::vector<ApiKey>> PgTxn::ListKeys(std::string_view account_id) {
  ASSIGN_OR_RETURN(auto r, Exec(kSelectKeys, {P(account_id)}));
  return r.Rows(ReadKey);
}

Result<std::optional<ApiKey>> PgTxn::OldestKey() {
  ASSIGN_OR_RETURN(auto r, Exec(kSelectOldestKey, {}));
  if (r.rows() == 0) return std::optional<ApiKey>();
  return std::optional<ApiKey>(ReadKey(r, 0));
}

Status PgTxn::SetKeyEnabled(std::string_view secret_id, bool enabled) {
  ASSIGN_OR_RETURN(auto r, Exec(kSetKeyEnabled, {P(secret_id), PBool(enabled)}));
  if (r.affected() == 0) return NotFound("key", secret_id);
  return Status::Ok();
}

Result<std::optional<int64_t>> PgTxn::FindSpendBudget(std::string_view account_id) {
  ASSIGN_OR_RETURN(auto r, Exec(kSelectSpendBudget, {P(account_id)}));
  if (r.rows() == 0) return std::optional<int64_t>();
  return std::optional<int64_t>(r.Int(0, 0));
}

Status PgTxn::SetSpendBudget(std::string_view account_id, std::optional<int64_t> budget_fen,
                             UnixMicros at) {
  auto r = budget_fen ? Exec(kUpsertSpendBudget, {P(account_id), P(*budget_fen), P(at)})
                      : Exec(kDeleteSpendBudget, {P(account_id)});
  return r.ok() ? Status::Ok() : r.status();
}

Status PgTxn::TouchKey(std::string_view secret_id, UnixMicros at) {
  auto r = Exec(kTouchKey, {P(secret_id), P(at)});
  return r.ok() ? Status::Ok() : r.status();
}

Result<std::map<std::string, UnixMicros>> PgTxn::KeysLastUsed(std::string_view account_id) {
  ASSIGN_OR_RETURN(auto r, Exec(kSelectKeysLastUsed, {P(account_id)}));
  std::map<std::string, UnixMicros> out;
  for (int i = 0; i < r.rows(); ++i) out[r.Text(i, 0)] = r.Int(i, 1);
  return out;
}

}  // namespace kanjian::store::pg
