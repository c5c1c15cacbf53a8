// SqliteTxn: Audit queries: what the ledger and the usage records promise, re-derived in SQL.
// Each statement is a named constant beside the function that runs it.
#include "store/sqlite_txn.h"

#include "common/error_codes.h"
#include "store/sqlite_rows.h"

namespace kanjian::store {

Result<std::vector<std::string>> SqliteTxn::QueryIds(const char* sql) {
  auto s = cache_.Get(sql);
  return Collect<std::string>(*s, [](const Statement& r) { return r.Text(0); });
}

namespace {
constexpr char kUnbalancedLedgerTxns[] =
    "SELECT txn_id FROM ledger_postings GROUP BY txn_id HAVING SUM(amount_fen)<>0 "
    "ORDER BY txn_id";
}  // namespace

Result<std::vector<std::string>> SqliteTxn::UnbalancedLedgerTxns() {
  return QueryIds(kUnbalancedLedgerTxns);
}

namespace {
// (hour, account, action, source) totals that differ from the log's sums, in
// either direction.
constexpr char kUsageTotalsMismatch[] =
    "WITH l AS (SELECT (at / 3600000000 - (at % 3600000000 < 0)) * 3600000000 AS hour, account_id,"
    " action, source, SUM(quantity) AS q FROM usage_records GROUP BY 1, 2, 3, 4), "
    "d AS (SELECT hour, account_id, action, source, q FROM l EXCEPT "
    "SELECT hour, account_id, action, source, quantity FROM usage_hourly UNION "
    "SELECT hour, account_id, action, source, quantity FROM usage_hourly EXCEPT "
    "SELECT hour, account_id, action, source, q FROM l) "
    "SELECT DISTINCT account_id || ' ' || action || ' ' || source || ' hour ' || hour FROM d ORDER "
    "BY 1";
}  // namespace

Result<std::vector<std::string>> SqliteTxn::UsageTotalsMismatch() {
  RETURN_IF_ERROR(FlushUsageTotals());
  return QueryIds(kUsageTotalsMismatch);
}

namespace {
// Packs whose `used` differs from their usage records, and pack ids named by
// usage records that match no pack.
constexpr char kPacksWithUsageMismatch[] =
    "WITH u AS (SELECT pack_id, SUM(quantity) AS q FROM usage_records WHERE pack_id<>'' "
    "GROUP BY pack_id) "
    "SELECT p.id FROM packs p LEFT JOIN u ON u.pack_id=p.id WHERE p.used<>IFNULL(u.q,0) "
    "UNION SELECT u.pack_id FROM u WHERE u.pack_id NOT IN (SELECT id FROM packs) ORDER BY 1";
}  // namespace

Result<std::vector<std::string>> SqliteTxn::PacksWithUsageMismatch() {
  return QueryIds(kPacksWithUsageMismatch);
}

}  // namespace kanjian::store
