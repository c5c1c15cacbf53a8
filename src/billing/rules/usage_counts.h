// Calls counted by who paid for them: every read model (the tenant's usage
// by day and hour, the month by action, the operator's what-if) splits usage
// the same way.
#pragma once

#include <cstdint>

#include "store/store.h"

namespace kanjian::billing {

// Adds `quantity` to the count `source` names: Counts has int64_t fields
// free, pack and postpaid.
template <typename Counts>
void CountBySource(Counts& counts, store::UsageSource source, int64_t quantity) {
  switch (source) {
    case store::UsageSource::kFree:
      counts.free += quantity;
      return;
    case store::UsageSource::kPack:
      counts.pack += quantity;
      return;
    case store::UsageSource::kPostpaid:
      counts.postpaid += quantity;
      return;
  }
}

}  // namespace kanjian::billing
