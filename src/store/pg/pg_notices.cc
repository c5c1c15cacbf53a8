// PgTxn's NoticeTxn: notices sent to accounts (notices).
#include "store/pg/pg_txn.h"

namespace kanjian::store::pg {
namespace {

constexpr char kInsertNotice[] =
    "INSERT INTO notices(id,account_id,at,kind,message) VALUES($1,$2,$3,$4,$5)";
constexpr char kSelectNotices[] =
    "SELECT id,account_id,at,kind,message FROM notices WHERE account_id=$1 ORDER BY at, id";
constexpr char kSelectNoticeBatches[] =
    "SELECT at,kind,message,count(*) FROM notices WHERE kind=$1 GROUP BY at,kind,message "
    "ORDER BY at DESC, message LIMIT $2";

}  // namespace

Status PgTxn::InsertNotice(const Notice& n) {
  auto r = Exec(kInsertNotice, {P(n.id), P(n.account_id), P(n.at), P(n.kind), P(n.message)});
  if (!r.ok()) return UniqueAs(db_, r.status(), "notice '" + n.id + "' already exists");
  return Status::Ok();
}

Result<std::vector<Notice>> PgTxn::ListNotices(std::string_view account_id) {
  ASSIGN_OR_RETURN(auto r, Exec(kSelectNotices, {P(account_id)}));
  return r.Rows([](const PgResult& row, int i) {
    return Notice{row.Text(i, 0), row.Text(i, 1), row.Int(i, 2), row.Text(i, 3), row.Text(i, 4)};
  });
}

Result<std::vector<NoticeBatch>> PgTxn::ListNoticeBatches(std::string_view kind, int64_t limit) {
  ASSIGN_OR_RETURN(auto r, Exec(kSelectNoticeBatches, {P(kind), P(limit)}));
  return r.Rows([](const PgResult& row, int i) {
    return NoticeBatch{row.Int(i, 0), row.Text(i, 1), row.Text(i, 2), row.Int(i, 3)};
  });
}

}  // namespace kanjian::store::pg
