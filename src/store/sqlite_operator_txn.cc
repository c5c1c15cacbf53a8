// The operator console's tables (schema step 5) and its read models over
// every account. Kept apart from sqlite_txn.cc: nothing else reads them.
#include "common/error_codes.h"
#include "store/sqlite_rows.h"
#include "store/sqlite_txn.h"

namespace kanjian::store {
namespace {

constexpr char kInsertOperator[] =
    "INSERT INTO operators(login,password_hash,enabled,created_at,failed_logins,locked_until) "
    "VALUES(?1,?2,?3,?4,?5,?6)";
constexpr char kSelectOperator[] =
    "SELECT login,password_hash,enabled,created_at,failed_logins,locked_until FROM operators "
    "WHERE login=?1";
constexpr char kSelectOperators[] =
    "SELECT login,password_hash,enabled,created_at,failed_logins,locked_until FROM operators "
    "ORDER BY login";
constexpr char kUpdateOperator[] =
    "UPDATE operators SET password_hash=?2,enabled=?3,failed_logins=?4,locked_until=?5 WHERE "
    "login=?1";
constexpr SqliteTxn::SessionSql kOperatorSessions = KANJIAN_SQLITE_SESSION_SQL("operator_sessions");
constexpr char kInsertOperatorAction[] =
    "INSERT INTO operator_actions(at,login,action,target,detail,outcome) VALUES(?1,?2,?3,?4,?5,?6)";
constexpr char kSelectOperatorActions[] =
    "SELECT id,at,login,action,target,detail,outcome FROM operator_actions ORDER BY id DESC LIMIT "
    "?1";
// The newest `limit` transactions of a kind (ledger_txns_by_kind_time), then their legs.
constexpr char kSelectLedgerTxnsOfKind[] =
    "SELECT t.id,t.idempotency_key,t.request_hash,t.account_id,t.kind,t.at,t.ref,t.reason,"
    "p.owner,p.book,p.amount_fen FROM "
    "(SELECT rowid AS r,* FROM ledger_txns WHERE kind=?1 ORDER BY at DESC, rowid DESC LIMIT ?2) t "
    "LEFT JOIN ledger_postings p ON p.txn_id=t.id ORDER BY t.at DESC, t.r DESC, p.leg";
constexpr char kSelectRecentVouchers[] =
    "SELECT id,account_id,amount_fen,granted_at,expires_at FROM vouchers "
    "ORDER BY granted_at DESC, id DESC LIMIT ?1";
constexpr char kSelectBillMonths[] =
    "SELECT month,COUNT(*),SUM(total_fen),MIN(created_at),MAX(created_at) FROM bills "
    "GROUP BY month ORDER BY month DESC LIMIT ?1";
constexpr char kSelectNoticeBatches[] =
    "SELECT at,kind,message,COUNT(*) FROM notices WHERE kind=?1 GROUP BY at,kind,message "
    "ORDER BY at DESC, message LIMIT ?2";

ConsoleUser ReadOperator(const Statement& r) {
  return ConsoleUser{r.Text(0), "", r.Text(1), r.Int(2) != 0, r.Int(3), r.Int(4), r.Int(5)};
}

}  // namespace

Status SqliteTxn::InsertOperator(const ConsoleUser& u) {
  auto s = cache_.Get(kInsertOperator);
  s->Bind(1, u.login)
      .Bind(2, u.password_hash)
      .Bind(3, int64_t{u.enabled})
      .Bind(4, u.created_at)
      .Bind(5, u.failed_logins)
      .Bind(6, u.locked_until);
  return Run(*s, "an operator '" + u.login + "' already exists");
}

Result<ConsoleUser> SqliteTxn::FindOperator(std::string_view login) {
  auto s = cache_.Get(kSelectOperator);
  s->Bind(1, login);
  return One<ConsoleUser>(*s, ReadOperator, "operator", login);
}

Result<std::vector<ConsoleUser>> SqliteTxn::ListOperators() {
  auto s = cache_.Get(kSelectOperators);
  return Collect<ConsoleUser>(*s, ReadOperator);
}

Status SqliteTxn::UpdateOperator(const ConsoleUser& u) {
  return UpdateSignIn(kUpdateOperator, u, "operator");
}

Status SqliteTxn::InsertOperatorSession(const ConsoleSession& c) {
  return InsertSession(kOperatorSessions, c);
}

Result<ConsoleSession> SqliteTxn::FindOperatorSession(std::string_view token_hash) {
  return FindSession(kOperatorSessions, token_hash);
}

Status SqliteTxn::DeleteOperatorSession(std::string_view token_hash) {
  return DeleteSessions(kOperatorSessions.remove, token_hash);
}

Status SqliteTxn::DeleteOperatorSessionsOf(std::string_view login) {
  return DeleteSessions(kOperatorSessions.remove_of, login);
}

Status SqliteTxn::InsertOperatorAction(const OperatorAction& a) {
  auto s = cache_.Get(kInsertOperatorAction);
  s->Bind(1, a.at)
      .Bind(2, a.login)
      .Bind(3, a.action)
      .Bind(4, a.target)
      .Bind(5, a.detail)
      .Bind(6, a.outcome);
  return Run(*s, "");
}

Result<std::vector<OperatorAction>> SqliteTxn::ListOperatorActions(int64_t limit) {
  auto s = cache_.Get(kSelectOperatorActions);
  s->Bind(1, limit);
  return Collect<OperatorAction>(*s, [](const Statement& r) {
    return OperatorAction{r.Int(0),  r.Int(1),  r.Text(2), r.Text(3),
                          r.Text(4), r.Text(5), r.Text(6)};
  });
}

Result<std::vector<LedgerTxn>> SqliteTxn::ListLedgerTxnsOfKind(LedgerKind kind, int64_t limit) {
  auto s = cache_.Get(kSelectLedgerTxnsOfKind);
  s->Bind(1, ToString(kind)).Bind(2, limit);
  return ReadLedgerTxns(*s);
}

Result<std::vector<Voucher>> SqliteTxn::ListRecentVouchers(int64_t limit) {
  auto s = cache_.Get(kSelectRecentVouchers);
  s->Bind(1, limit);
  return Collect<Voucher>(*s, [](const Statement& r) {
    return Voucher{r.Text(0), r.Text(1), r.Int(2), r.Int(3), r.OptionalInt(4)};
  });
}

Result<std::vector<BillMonth>> SqliteTxn::ListBillMonths(int64_t limit) {
  auto s = cache_.Get(kSelectBillMonths);
  s->Bind(1, limit);
  return Collect<BillMonth>(*s, [](const Statement& r) {
    return BillMonth{r.Text(0), r.Int(1), r.Int(2), r.Int(3), r.Int(4)};
  });
}

Result<std::vector<NoticeBatch>> SqliteTxn::ListNoticeBatches(std::string_view kind,
                                                              int64_t limit) {
  auto s = cache_.Get(kSelectNoticeBatches);
  s->Bind(1, kind).Bind(2, limit);
  return Collect<NoticeBatch>(*s, [](const Statement& r) {
    return NoticeBatch{r.Int(0), r.Text(1), r.Text(2), r.Int(3)};
  });
}

}  // namespace kanjian::store
