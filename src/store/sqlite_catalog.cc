// SqliteTxn's CatalogTxn: the catalog's versions (catalog_versions).
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

}  // namespace kanjian::store
