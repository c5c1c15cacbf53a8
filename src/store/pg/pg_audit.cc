// PgTxn's AuditTxn: the audit's consistency checks.
#include "common/error_codes.h"
#include "store/pg/pg_txn.h"

namespace kanjian::store::pg {
namespace {

constexpr char kUnbalancedLedgerTxns[] =
    "SELECT txn_id FROM ledger_postings GROUP BY txn_id HAVING sum(amount_fen)<>0 ORDER BY txn_id";
// (hour, account, action, source) totals that differ from the log's sums, in
// either direction, outside detached months (their rows left the log; the
// totals stay, and bills read them). The hour is floored (negative instants
// too).
constexpr char kUsageTotalsMismatch[] =
    "WITH l AS (SELECT at - ((at % 3600000000) + 3600000000) % 3600000000 AS hour, account_id,"
    " action, source, sum(quantity)::bigint AS q FROM usage_records GROUP BY 1, 2, 3, 4), "
    "h AS (SELECT hour, account_id, action, source, sum(quantity)::bigint AS q FROM usage_hourly "
    "WHERE NOT EXISTS (SELECT 1 FROM usage_detached d WHERE hour >= d.from_at AND hour < d.to_at) "
    "GROUP BY 1, 2, 3, 4), "
    "d AS ((SELECT * FROM l EXCEPT SELECT * FROM h) UNION (SELECT * FROM h EXCEPT SELECT * FROM "
    "l)) "
    "SELECT DISTINCT account_id || ' ' || action || ' ' || source || ' hour ' || hour FROM d ORDER "
    "BY 1";
// A pack's draws are its records in the log plus what detached months drew.
constexpr char kPacksWithUsageMismatch[] =
    "WITH u AS (SELECT pack_id, sum(quantity) AS q FROM (SELECT pack_id, quantity FROM "
    "usage_records WHERE pack_id<>'' UNION ALL SELECT pack_id, quantity FROM "
    "usage_detached_packs) a GROUP BY pack_id) "
    "SELECT p.id FROM packs p LEFT JOIN u ON u.pack_id=p.id WHERE p.used<>coalesce(u.q,0) "
    "UNION SELECT u.pack_id FROM u WHERE u.pack_id NOT IN (SELECT id FROM packs) ORDER BY 1";

}  // namespace

Result<std::vector<std::string>> PgTxn::QueryIds(const char* sql) {
  ASSIGN_OR_RETURN(auto r, Exec(sql, {}));
  return r.Rows([](const PgResult& row, int i) { return row.Text(i, 0); });
}

Result<std::vector<std::string>> PgTxn::UnbalancedLedgerTxns() {
  return QueryIds(kUnbalancedLedgerTxns);
}

Result<std::vector<std::string>> PgTxn::PacksWithUsageMismatch() {
  return QueryIds(kPacksWithUsageMismatch);
}

Result<std::vector<std::string>> PgTxn::UsageTotalsMismatch() {
  return QueryIds(kUsageTotalsMismatch);
}

}  // namespace kanjian::store::pg
