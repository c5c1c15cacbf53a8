// SqliteTxn's OperatorLogTxn: the operator log (operator_actions, schema
// step 5), append-only.
#include "store/sqlite_rows.h"
#include "store/sqlite_txn.h"

namespace kanjian::store {
namespace {

constexpr char kInsertOperatorAction[] =
    "INSERT INTO operator_actions(at,login,action,target,detail,outcome) VALUES(?1,?2,?3,?4,?5,?6)";
constexpr char kSelectOperatorActions[] =
    "SELECT id,at,login,action,target,detail,outcome FROM operator_actions ORDER BY id DESC LIMIT "
    "?1";

}  // namespace

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

}  // namespace kanjian::store
