// SqliteTxn's NoticeTxn: notices sent to accounts (notices).
// Each statement is a named constant beside the function that runs it.
#include "store/sqlite_txn.h"

#include "common/error_codes.h"
#include "store/sqlite_rows.h"

namespace kanjian::store {

namespace {
constexpr char kInsertNotice[] =
    "INSERT INTO notices(id,account_id,at,kind,message) VALUES(?1,?2,?3,?4,?5)";
}  // namespace

Status SqliteTxn::InsertNotice(const Notice& n) {
  auto s = cache_.Get(kInsertNotice);
  s->Bind(1, n.id).Bind(2, n.account_id).Bind(3, n.at).Bind(4, n.kind).Bind(5, n.message);
  return Run(*s, "notice '" + n.id + "' already exists");
}

namespace {
constexpr char kSelectNotices[] =
    "SELECT id,account_id,at,kind,message FROM notices WHERE account_id=?1 ORDER BY at, id";
}  // namespace

Result<std::vector<Notice>> SqliteTxn::ListNotices(std::string_view account_id) {
  auto s = cache_.Get(kSelectNotices);
  s->Bind(1, account_id);
  return Collect<Notice>(*s, [](const Statement& r) {
    return Notice{r.Text(0), r.Text(1), r.Int(2), r.Text(3), r.Text(4)};
  });
}

namespace {
constexpr char kSelectNoticeBatches[] =
    "SELECT at,kind,message,COUNT(*) FROM notices WHERE kind=?1 GROUP BY at,kind,message "
    "ORDER BY at DESC, message LIMIT ?2";
}  // namespace

Result<std::vector<NoticeBatch>> SqliteTxn::ListNoticeBatches(std::string_view kind,
                                                              int64_t limit) {
  auto s = cache_.Get(kSelectNoticeBatches);
  s->Bind(1, kind).Bind(2, limit);
  return Collect<NoticeBatch>(*s, [](const Statement& r) {
    return NoticeBatch{r.Int(0), r.Text(1), r.Text(2), r.Int(3)};
  });
}

}  // namespace kanjian::store
