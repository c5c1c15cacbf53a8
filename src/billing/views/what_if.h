// The operator's what-if (operator console): a month's recorded usage
// billed again under a draft catalog version before it is published.
// Nothing is written; every price comes from PriceMonth, the function the
// settlement bills with.
//
// (our rule) Under the draft, calls paid by packs stay pack calls (the
// packs were bought); the calls that were free or post-paid are split again
// by the draft's free quotas: a group whose quota grows turns post-paid
// calls into free ones, one whose quota shrinks (or that is gone) turns free
// calls into post-paid ones. Within a group shared by several actions the
// calls move in action-name order (growing) or its reverse (shrinking), as
// the hourly totals do not keep the calls' order. With unchanged quotas the
// split, and so the bill, is exactly the recorded one.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "billing/rules/catalog.h"
#include "store/store.h"

namespace kanjian::billing {

// One action's calls in a month, by the source that paid for them.
struct SourceCalls {
  int64_t free = 0, pack = 0, postpaid = 0;
  int64_t total() const { return free + pack + postpaid; }
  bool operator==(const SourceCalls&) const = default;
};
using MonthCalls = std::map<std::string, SourceCalls>;  // by action

// The recorded calls split again by `draft`'s free groups (the rule above).
MonthCalls ResplitFree(const CatalogVersion& draft, const MonthCalls& recorded);

// The bill lines of a month's calls under `version`: one action after the
// other, as the settlement prices them.
std::vector<store::BillLine> PriceCalls(const CatalogVersion& version, const MonthCalls& calls);
Fen TotalOf(const std::vector<store::BillLine>& lines);

}  // namespace kanjian::billing
