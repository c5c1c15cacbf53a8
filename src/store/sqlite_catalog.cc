// SqliteTxn: Catalog versions and notices.
// Each statement is a named constant beside the function that runs it.
#include "store/sqlite_txn.h"

#include "common/error_codes.h"
#include "store/sqlite_rows.h"

namespace kanjian::store {

namespace {
constexpr char kSelectCatalogVersions[] =
    "SELECT seq,version,effective_from,published_at,body FROM catalog_versions ORDER BY seq";
}  // namespace

Result<std::vector<CatalogVersion>> SqliteTxn::ListCatalogVersions() {
  auto s = cache_.Get(kSelectCatalogVersions);
  return Collect<CatalogVersion>(*s, [](const Statement& r) {
    return CatalogVersion{r.Int(0), r.Text(1), r.Int(2), r.Int(3), r.Text(4)};
  });
}

namespace {
constexpr char kInsertCatalogVersion[] =
    "INSERT INTO catalog_versions(version,effective_from,published_at,body) VALUES(?1,?2,?3,?4)";
}  // namespace

Result<int64_t> SqliteTxn::InsertCatalogVersion(const CatalogVersion& v) {
  auto s = cache_.Get(kInsertCatalogVersion);
  s->Bind(1, v.version).Bind(2, v.effective_from).Bind(3, v.published_at).Bind(4, v.body);
  RETURN_IF_ERROR(Run(*s, "catalog version '" + v.version + "' already exists"));
  return static_cast<int64_t>(sqlite3_last_insert_rowid(cache_.db()));
}

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

}  // namespace kanjian::store
