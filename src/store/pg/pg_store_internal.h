// Pieces of the PostgreSQL store shared by pg_store.cc and the Txn files.
#pragma once

#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/status.h"

namespace kanjian::store::pg {

// A UTC calendar month: the usage log's partitions are UTC months (a
// billing month in another offset spans two of them; see
// docs/operators/postgresql.md).
struct UtcMonth {
  std::string name;  // "YYYY-MM"
  UnixMicros from = 0, to = 0;
};
UtcMonth UtcMonthOf(UnixMicros at);
UtcMonth NextUtcMonth(const UtcMonth& month);
// The month named "YYYY-MM"; InvalidParameterValue for anything else.
Result<UtcMonth> UtcMonthNamed(std::string_view name);

}  // namespace kanjian::store::pg
