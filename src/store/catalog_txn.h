// The price catalog's published versions.
#pragma once

#include <vector>

#include "store/records.h"

namespace kanjian::store {

class CatalogTxn {
 public:
  virtual ~CatalogTxn() = default;

  // Catalog versions, ordered by seq.
  virtual Result<std::vector<CatalogVersion>> ListCatalogVersions() = 0;
  virtual Result<int64_t> InsertCatalogVersion(const CatalogVersion& version) = 0;  // returns seq
};

}  // namespace kanjian::store
