// The tenant console's store operations on PostgreSQL (spend guard, keys'
// last use, usage drill-down); the operator console's are in pg_operator.cc.
#include "common/error_codes.h"
#include "store/pg/pg_txn.h"

namespace kanjian::store::pg {
namespace {

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
constexpr char kSelectUsagePage[] =
    "SELECT request_id,account_id,action,at,quantity,source,pack_id FROM usage_records "
    "WHERE at>=$3 AND at<$4 AND account_id=$1 AND action=$2 "
    "AND ($6='' OR at>$5 OR (at=$5 AND request_id>$6)) ORDER BY at, request_id LIMIT $7";

}  // namespace

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

Result<std::vector<UsageRecord>> PgTxn::ListUsagePage(std::string_view account_id,
                                                      std::string_view action, UnixMicros from,
                                                      UnixMicros to, UnixMicros after_at,
                                                      std::string_view after_id, int64_t limit) {
  ASSIGN_OR_RETURN(auto r, Exec(kSelectUsagePage, {P(account_id), P(action), P(from), P(to),
                                                   P(after_at), P(after_id), P(limit)}));
  std::vector<UsageRecord> out;
  for (int i = 0; i < r.rows(); ++i) {
    ASSIGN_OR_RETURN(UsageSource source,
                     StoredWord(ParseUsageSource, "usage_records.source", r.Text(i, 5)));
    out.push_back(
        {r.Text(i, 0), r.Text(i, 1), r.Text(i, 2), r.Int(i, 3), r.Int(i, 4), source, r.Text(i, 6)});
  }
  return out;
}

}  // namespace kanjian::store::pg
