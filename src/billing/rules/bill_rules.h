// A month's bill from its usage (docs/billing.md §3, §5): one line per
// action (and per tier touched, graduated), amounts rounded half-up once
// per line, the total summed overflow-checked. settlement.cc loads the
// usage, calls BillFor, and stores the bill and its deduction.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "billing/rules/calendar.h"
#include "billing/rules/catalog.h"
#include "store/store.h"

namespace kanjian::billing {

// One action's month: every billed call, and the post-paid ones among them.
struct ActionSums {
  int64_t total = 0, postpaid = 0;
};

// The priced lines of one account's month, by action name.
std::vector<store::BillLine> BillLines(const CatalogVersion& version,
                                       const std::map<std::string, ActionSums>& sums);

// The sum of the lines' amounts; InternalError on overflow.
Result<Fen> BillTotal(const std::vector<store::BillLine>& lines);

// The settled bill of `account_id` for `month`, created at `now`, priced by
// `version` (the one in force on the month's first instant, our rule).
Result<store::Bill> BillFor(const std::string& account_id, Month month,
                            const CatalogVersion& version,
                            const std::map<std::string, ActionSums>& sums, UnixMicros now);

// Adds `quantity` calls from `source` to `sums` (overflow-checked).
Status AddUsage(ActionSums& sums, store::UsageSource source, int64_t quantity);

}  // namespace kanjian::billing
