// PgTxn's OperatorLogTxn: the operator log (operator_actions, schema step
// 3), append-only.
#include "store/pg/pg_txn.h"

namespace kanjian::store::pg {
namespace {

constexpr char kInsertOperatorAction[] =
    "INSERT INTO operator_actions(at,login,action,target,detail,outcome) "
    "VALUES($1,$2,$3,$4,$5,$6)";
constexpr char kSelectOperatorActions[] =
    "SELECT id,at,login,action,target,detail,outcome FROM operator_actions "
    "ORDER BY id DESC LIMIT $1";

}  // namespace

Status PgTxn::InsertOperatorAction(const OperatorAction& a) {
  return Done(Exec(kInsertOperatorAction,
                   {P(a.at), P(a.login), P(a.action), P(a.target), P(a.detail), P(a.outcome)}));
}

Result<std::vector<OperatorAction>> PgTxn::ListOperatorActions(int64_t limit) {
  ASSIGN_OR_RETURN(auto r, Exec(kSelectOperatorActions, {P(limit)}));
  return r.Rows([](const PgResult& row, int i) {
    return OperatorAction{row.Int(i, 0),  row.Int(i, 1),  row.Text(i, 2), row.Text(i, 3),
                          row.Text(i, 4), row.Text(i, 5), row.Text(i, 6)};
  });
}

}  // namespace kanjian::store::pg
