// The operator console's tables on PostgreSQL (schema step 3, SQLite step 5):
// operators, their sessions, the append-only log of what they changed, and
// the read models over every account (store/sqlite_operator_txn.cc).
#include "common/error_codes.h"
#include "store/pg/pg_txn.h"

namespace kanjian::store::pg {
namespace {

#define KANJIAN_OPERATOR_COLUMNS "login,password_hash,enabled,created_at,failed_logins,locked_until"
constexpr char kInsertOperator[] =
    "INSERT INTO operators(" KANJIAN_OPERATOR_COLUMNS ") VALUES($1,$2,$3,$4,$5,$6)";
constexpr char kSelectOperator[] =
    "SELECT " KANJIAN_OPERATOR_COLUMNS " FROM operators WHERE login=$1";
constexpr char kSelectOperators[] =
    "SELECT " KANJIAN_OPERATOR_COLUMNS " FROM operators ORDER BY login";
#undef KANJIAN_OPERATOR_COLUMNS
constexpr char kUpdateOperator[] =
    "UPDATE operators SET password_hash=$2,enabled=$3,failed_logins=$4,locked_until=$5 "
    "WHERE login=$1";
constexpr PgTxn::SessionSql kOperatorSessions = KANJIAN_PG_SESSION_SQL("operator_sessions");
constexpr char kInsertOperatorAction[] =
    "INSERT INTO operator_actions(at,login,action,target,detail,outcome) "
    "VALUES($1,$2,$3,$4,$5,$6)";
constexpr char kSelectOperatorActions[] =
    "SELECT id,at,login,action,target,detail,outcome FROM operator_actions "
    "ORDER BY id DESC LIMIT $1";
// The newest `limit` transactions of a kind (ledger_txns_by_kind_time; seq
// orders same-instant ones as inserted), then their legs.
constexpr char kSelectLedgerTxnsOfKind[] =
    "SELECT t.id,t.idempotency_key,t.request_hash,t.account_id,t.kind,t.at,t.ref,t.reason,"
    "p.owner,p.book,p.amount_fen FROM "
    "(SELECT * FROM ledger_txns WHERE kind=$1 ORDER BY at DESC, seq DESC LIMIT $2) t "
    "LEFT JOIN ledger_postings p ON p.txn_id=t.id ORDER BY t.at DESC, t.seq DESC, p.leg";
constexpr char kSelectRecentVouchers[] =
    "SELECT id,account_id,amount_fen,granted_at,expires_at FROM vouchers "
    "ORDER BY granted_at DESC, id DESC LIMIT $1";
constexpr char kSelectBillMonths[] =
    "SELECT month,count(*),sum(total_fen)::bigint,min(created_at),max(created_at) FROM bills "
    "GROUP BY month ORDER BY month DESC LIMIT $1";
constexpr char kSelectNoticeBatches[] =
    "SELECT at,kind,message,count(*) FROM notices WHERE kind=$1 GROUP BY at,kind,message "
    "ORDER BY at DESC, message LIMIT $2";

ConsoleUser ReadOperator(const PgResult& r, int i) {
  return ConsoleUser{r.Text(i, 0), "",          r.Text(i, 1), r.Text(i, 2) == "t",
                     r.Int(i, 3),  r.Int(i, 4), r.Int(i, 5)};
}

Status Done(const Result<PgResult>& r) {
  return r.ok() ? Status::Ok() : r.status();
}

}  // namespace

Status PgTxn::InsertOperator(const ConsoleUser& u) {
  auto r = Exec(kInsertOperator, {P(u.login), P(u.password_hash), PBool(u.enabled), P(u.created_at),
                                  P(u.failed_logins), P(u.locked_until)});
  if (!r.ok()) return UniqueAs(db_, r.status(), "an operator '" + u.login + "' already exists");
  return Status::Ok();
}

Result<ConsoleUser> PgTxn::FindOperator(std::string_view login) {
  ASSIGN_OR_RETURN(auto r, Exec(kSelectOperator, {P(login)}));
  if (r.rows() == 0) return NotFound("operator", login);
  return ReadOperator(r, 0);
}

Result<std::vector<ConsoleUser>> PgTxn::ListOperators() {
  ASSIGN_OR_RETURN(auto r, Exec(kSelectOperators, {}));
  std::vector<ConsoleUser> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(ReadOperator(r, i));
  return out;
}

Status PgTxn::UpdateOperator(const ConsoleUser& u) {
  return UpdateSignIn(kUpdateOperator, u, "operator");
}

Status PgTxn::InsertOperatorSession(const ConsoleSession& c) {
  return InsertSession(kOperatorSessions, c);
}

Result<ConsoleSession> PgTxn::FindOperatorSession(std::string_view token_hash) {
  return FindSession(kOperatorSessions, token_hash);
}

Status PgTxn::DeleteOperatorSession(std::string_view token_hash) {
  return Done(Exec(kOperatorSessions.remove, {P(token_hash)}));
}

Status PgTxn::DeleteOperatorSessionsOf(std::string_view login) {
  return Done(Exec(kOperatorSessions.remove_of, {P(login)}));
}

Status PgTxn::InsertOperatorAction(const OperatorAction& a) {
  return Done(Exec(kInsertOperatorAction,
                   {P(a.at), P(a.login), P(a.action), P(a.target), P(a.detail), P(a.outcome)}));
}

Result<std::vector<OperatorAction>> PgTxn::ListOperatorActions(int64_t limit) {
  ASSIGN_OR_RETURN(auto r, Exec(kSelectOperatorActions, {P(limit)}));
  std::vector<OperatorAction> out;
  for (int i = 0; i < r.rows(); ++i)
    out.push_back({r.Int(i, 0), r.Int(i, 1), r.Text(i, 2), r.Text(i, 3), r.Text(i, 4), r.Text(i, 5),
                   r.Text(i, 6)});
  return out;
}

Result<std::vector<LedgerTxn>> PgTxn::ListLedgerTxnsOfKind(LedgerKind kind, int64_t limit) {
  ASSIGN_OR_RETURN(auto r, Exec(kSelectLedgerTxnsOfKind, {P(ToString(kind)), P(limit)}));
  return ReadLedgerTxns(r);
}

Result<std::vector<Voucher>> PgTxn::ListRecentVouchers(int64_t limit) {
  ASSIGN_OR_RETURN(auto r, Exec(kSelectRecentVouchers, {P(limit)}));
  std::vector<Voucher> out;
  for (int i = 0; i < r.rows(); ++i)
    out.push_back({r.Text(i, 0), r.Text(i, 1), r.Int(i, 2), r.Int(i, 3), r.OptionalInt(i, 4)});
  return out;
}

Result<std::vector<BillMonth>> PgTxn::ListBillMonths(int64_t limit) {
  ASSIGN_OR_RETURN(auto r, Exec(kSelectBillMonths, {P(limit)}));
  std::vector<BillMonth> out;
  for (int i = 0; i < r.rows(); ++i)
    out.push_back({r.Text(i, 0), r.Int(i, 1), r.Int(i, 2), r.Int(i, 3), r.Int(i, 4)});
  return out;
}

Result<std::vector<NoticeBatch>> PgTxn::ListNoticeBatches(std::string_view kind, int64_t limit) {
  ASSIGN_OR_RETURN(auto r, Exec(kSelectNoticeBatches, {P(kind), P(limit)}));
  std::vector<NoticeBatch> out;
  for (int i = 0; i < r.rows(); ++i)
    out.push_back({r.Int(i, 0), r.Text(i, 1), r.Text(i, 2), r.Int(i, 3)});
  return out;
}

}  // namespace kanjian::store::pg
