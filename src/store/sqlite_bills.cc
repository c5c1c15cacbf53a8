// SqliteTxn's BillTxn: bills and their lines (bills, bill_lines): one bill per account and month.
// Each statement is a named constant beside the function that runs it.
#include "store/sqlite_txn.h"

#include "common/error_codes.h"
#include "store/sqlite_rows.h"

namespace kanjian::store {

namespace {
constexpr char kSelectBill[] =
    "SELECT id,account_id,month,created_at,total_fen,status FROM bills "
    "WHERE account_id=?1 AND month=?2";
constexpr char kSelectBillLines[] =
    "SELECT action,quantity,tier,unit_price_e4,amount_fen FROM bill_lines WHERE bill_id=?1 "
    "ORDER BY line";
}  // namespace

Result<std::optional<Bill>> SqliteTxn::QueryBill(const char* sql, std::string_view account_id,
                                                 std::string_view month) {
  Bill bill;
  {
    auto s = cache_.Get(sql);
    s->Bind(1, account_id);
    if (sql == kSelectBill) s->Bind(2, month);
    if (!s->Step()) {
      if (!s->status().ok()) return s->status();
      return std::optional<Bill>();
    }
    ASSIGN_OR_RETURN(BillStatus status,
                     StoredWord(ParseBillStatus, "bills.status", s->TextView(5)));
    bill = Bill{s->Text(0), s->Text(1), s->Text(2), s->Int(3), s->Int(4), status, {}};
  }
  auto s = cache_.Get(kSelectBillLines);
  s->Bind(1, bill.id);
  ASSIGN_OR_RETURN(
      auto lines, Collect<BillLine>(*s, [](const Statement& r) {
        return BillLine{r.Text(0), r.Int(1), static_cast<int>(r.Int(2)), r.Int(3), r.Int(4)};
      }));
  bill.lines = std::move(lines);
  return std::optional<Bill>(std::move(bill));
}

namespace {
// A range of the UNIQUE (account_id, month) index.
constexpr char kSelectBilledAccounts[] =
    "SELECT account_id FROM bills WHERE account_id>=?2 AND account_id<=?3 AND month=?1 "
    "ORDER BY account_id";
}  // namespace

Result<std::vector<std::string>> SqliteTxn::BilledAccounts(std::string_view month,
                                                           std::string_view first,
                                                           std::string_view last) {
  auto s = cache_.Get(kSelectBilledAccounts);
  s->Bind(1, month).Bind(2, first).Bind(3, last);
  std::vector<std::string> ids;
  while (s->Step()) ids.push_back(s->Text(0));
  Status status = s->status();
  s->Reset();
  if (!status.ok()) return status;
  return ids;
}

Result<std::optional<Bill>> SqliteTxn::FindBill(std::string_view account_id,
                                                std::string_view month) {
  return QueryBill(kSelectBill, account_id, month);
}

namespace {
// "Latest" is the latest month billed ("YYYY-MM" sorts as text).
constexpr char kSelectLatestBill[] =
    "SELECT id,account_id,month,created_at,total_fen,status FROM bills "
    "WHERE account_id=?1 ORDER BY month DESC LIMIT 1";
}  // namespace

Result<std::optional<Bill>> SqliteTxn::LatestBill(std::string_view account_id) {
  return QueryBill(kSelectLatestBill, account_id, "");
}

namespace {
constexpr char kInsertBill[] =
    "INSERT INTO bills(id,account_id,month,created_at,total_fen,status) VALUES(?1,?2,?3,?4,?5,?6)";
constexpr char kInsertBillLine[] =
    "INSERT INTO bill_lines(bill_id,line,action,quantity,tier,unit_price_e4,amount_fen) "
    "VALUES(?1,?2,?3,?4,?5,?6,?7)";
}  // namespace

Status SqliteTxn::InsertBill(const Bill& b) {
  {
    auto s = cache_.Get(kInsertBill);
    s->Bind(1, b.id).Bind(2, b.account_id).Bind(3, b.month).Bind(4, b.created_at);
    s->Bind(5, b.total_fen).Bind(6, ToString(b.status));
    if (Status st = Run(*s, "a bill for account '" + b.account_id + "' month " + b.month +
                                " (or with id '" + b.id + "') already exists");
        !st.ok())
      return st;
  }
  auto s = cache_.Get(kInsertBillLine);
  for (size_t i = 0; i < b.lines.size(); ++i) {
    const BillLine& l = b.lines[i];
    s->Bind(1, b.id).Bind(2, static_cast<int64_t>(i)).Bind(3, l.action).Bind(4, l.quantity);
    s->Bind(5, int64_t{l.tier}).Bind(6, l.unit_price_e4).Bind(7, l.amount_fen).Step();
    if (!s->status().ok()) return s->status();
    s->Reset();
  }
  return Status::Ok();
}

namespace {
constexpr char kSelectBillMonths[] =
    "SELECT month,COUNT(*),SUM(total_fen),MIN(created_at),MAX(created_at) FROM bills "
    "GROUP BY month ORDER BY month DESC LIMIT ?1";
}  // namespace

Result<std::vector<BillMonth>> SqliteTxn::ListBillMonths(int64_t limit) {
  auto s = cache_.Get(kSelectBillMonths);
  s->Bind(1, limit);
  return Collect<BillMonth>(*s, [](const Statement& r) {
    return BillMonth{r.Text(0), r.Int(1), r.Int(2), r.Int(3), r.Int(4)};
  });
}

}  // namespace kanjian::store
