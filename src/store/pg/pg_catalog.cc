// PgTxn's CatalogTxn: the catalog's versions (catalog_versions).
#include "common/error_codes.h"
#include "store/pg/pg_txn.h"

namespace kanjian::store::pg {
namespace {

constexpr char kSelectCatalogVersions[] =
    "SELECT seq,version,effective_from,published_at,body FROM catalog_versions ORDER BY seq";
constexpr char kInsertCatalogVersion[] =
    "INSERT INTO catalog_versions(version,effective_from,published_at,body) VALUES($1,$2,$3,$4) "
    "RETURNING seq";

}  // namespace

Result<std::vector<CatalogVersion>> PgTxn::ListCatalogVersions() {
  ASSIGN_OR_RETURN(auto r, Exec(kSelectCatalogVersions, {}));
  return r.Rows([](const PgResult& row, int i) {
    return CatalogVersion{row.Int(i, 0), row.Text(i, 1), row.Int(i, 2), row.Int(i, 3),
                          row.Text(i, 4)};
  });
}

Result<int64_t> PgTxn::InsertCatalogVersion(const CatalogVersion& v) {
  auto r = Exec(kInsertCatalogVersion,
                {P(v.version), P(v.effective_from), P(v.published_at), P(v.body)});
  if (!r.ok())
    return UniqueAs(db_, r.status(), "catalog version '" + v.version + "' already exists");
  return r->Int(0, 0);
}

}  // namespace kanjian::store::pg
