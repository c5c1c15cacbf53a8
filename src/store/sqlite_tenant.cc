// SqliteTxn: spend budgets and keys' last use (tenant console; the
// spend_budgets table and api_keys.last_used_at).
// Each statement is a named constant beside the function that runs it.
#include "store/sqlite_txn.h"

#include "common/error_codes.h"
#include "store/sqlite_rows.h"

namespace kanjian::store {

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
