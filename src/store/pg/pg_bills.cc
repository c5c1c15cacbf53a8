// PgTxn's BillTxn: monthly bills on PostgreSQL, one per (account, month), by a unique key.
#include "common/error_codes.h"
#include "store/pg/pg_txn.h"

namespace kanjian::store::pg {
namespace {

constexpr char kInsertBill[] =
    "INSERT INTO bills(id,account_id,month,created_at,total_fen,status) VALUES($1,$2,$3,$4,$5,$6)";
constexpr char kInsertBillLines[] =
    "INSERT INTO bill_lines(bill_id,line,action,quantity,tier,unit_price_e4,amount_fen) "
    "SELECT $1, line - 1, action, quantity, tier, price, amount FROM "
    "unnest($2::text[],$3::bigint[],$4::int[],$5::bigint[],$6::bigint[]) WITH ORDINALITY "
    "AS l(action,quantity,tier,price,amount,line)";
constexpr char kSelectBilledAccounts[] =
    "SELECT account_id FROM bills WHERE account_id>=$2 AND account_id<=$3 AND month=$1 "
    "ORDER BY account_id";
constexpr char kSelectBill[] =
    "SELECT id,account_id,month,created_at,total_fen,status FROM bills "
    "WHERE account_id=$1 AND month=$2";
constexpr char kSelectLatestBill[] =
    "SELECT id,account_id,month,created_at,total_fen,status FROM bills "
    "WHERE account_id=$1 ORDER BY month DESC LIMIT 1";
constexpr char kSelectBillLines[] =
    "SELECT action,quantity,tier,unit_price_e4,amount_fen FROM bill_lines WHERE bill_id=$1 "
    "ORDER BY line";
constexpr char kSelectBillMonths[] =
    "SELECT month,count(*),sum(total_fen)::bigint,min(created_at),max(created_at) FROM bills "
    "GROUP BY month ORDER BY month DESC LIMIT $1";

}  // namespace

Result<std::optional<Bill>> PgTxn::QueryBill(const char* sql, const std::vector<Param>& params) {
  ASSIGN_OR_RETURN(auto r, Exec(sql, params));
  if (r.rows() == 0) return std::optional<Bill>();
  ASSIGN_OR_RETURN(BillStatus status, StoredWord(ParseBillStatus, "bills.status", r.Text(0, 5)));
  Bill bill{r.Text(0, 0), r.Text(0, 1), r.Text(0, 2), r.Int(0, 3), r.Int(0, 4), status, {}};
  ASSIGN_OR_RETURN(auto lines, Exec(kSelectBillLines, {P(bill.id)}));
  for (int i = 0; i < lines.rows(); ++i)
    bill.lines.push_back({lines.Text(i, 0), lines.Int(i, 1), static_cast<int>(lines.Int(i, 2)),
                          lines.Int(i, 3), lines.Int(i, 4)});
  return std::optional<Bill>(std::move(bill));
}

Result<std::optional<Bill>> PgTxn::FindBill(std::string_view account_id, std::string_view month) {
  return QueryBill(kSelectBill, {P(account_id), P(month)});
}

Result<std::optional<Bill>> PgTxn::LatestBill(std::string_view account_id) {
  return QueryBill(kSelectLatestBill, {P(account_id)});
}

Result<std::vector<std::string>> PgTxn::BilledAccounts(std::string_view month,
                                                       std::string_view first,
                                                       std::string_view last) {
  ASSIGN_OR_RETURN(auto r, Exec(kSelectBilledAccounts, {P(month), P(first), P(last)}));
  return r.Rows([](const PgResult& row, int i) { return row.Text(i, 0); });
}

Status PgTxn::InsertBill(const Bill& b) {
  auto r = Exec(kInsertBill, {P(b.id), P(b.account_id), P(b.month), P(b.created_at), P(b.total_fen),
                              P(ToString(b.status))});
  if (!r.ok())
    return UniqueAs(db_, r.status(),
                    "a bill for account '" + b.account_id + "' month " + b.month +
                        " (or with id '" + b.id + "') already exists");
  if (b.lines.empty()) return Status::Ok();
  std::vector<std::string> actions, quantities, tiers, prices, amounts;
  for (const BillLine& l : b.lines) {
    actions.push_back(l.action);
    quantities.push_back(std::to_string(l.quantity));
    tiers.push_back(std::to_string(l.tier));
    prices.push_back(std::to_string(l.unit_price_e4));
    amounts.push_back(std::to_string(l.amount_fen));
  }
  auto lines =
      Exec(kInsertBillLines, {P(b.id), P(TextArray(actions)), P(TextArray(quantities)),
                              P(TextArray(tiers)), P(TextArray(prices)), P(TextArray(amounts))});
  return lines.ok() ? Status::Ok() : lines.status();
}

Result<std::vector<BillMonth>> PgTxn::ListBillMonths(int64_t limit) {
  ASSIGN_OR_RETURN(auto r, Exec(kSelectBillMonths, {P(limit)}));
  return r.Rows([](const PgResult& row, int i) {
    return BillMonth{row.Text(i, 0), row.Int(i, 1), row.Int(i, 2), row.Int(i, 3), row.Int(i, 4)};
  });
}

}  // namespace kanjian::store::pg
