// Archiving the call log (docs/operators/postgresql.md): a UTC month of
// usage records leaves the live log once everything that bills it is done.
// Bills read the hourly totals, which stay; the records are the evidence
// behind them, kept in the detached table for the operator to archive.
//
// (our rule) A UTC month is detached only when every billing month holding
// one of its instants is settled: with billing in UTC+8, UTC October's last
// 8 hours belong to billing November, so October waits for November's bill
// run.
#include <set>
#include <utility>
#include <vector>

#include "billing/billing.h"
#include "common/error_codes.h"

namespace kanjian::billing {
namespace {

// "accounts missing a bill", named for the operator (at most a few).
std::string Unbilled(const std::vector<std::string>& missing) {
  std::string out;
  for (size_t i = 0; i < missing.size() && i < 3; ++i) out += (i ? ", " : "") + missing[i];
  if (missing.size() > 3) out += " and " + std::to_string(missing.size() - 3) + " more";
  return out;
}

}  // namespace

Result<store::DetachedMonth> BillingService::DetachUsageMonth(Month utc_month) {
  if (!store_.DetachesUsageMonths())  // say so before any check that cannot help
    return store_.DetachUsageMonth(utc_month.ToString(), clock_.NowMicros());
  ASSIGN_OR_RETURN(auto catalog, LoadCatalog());
  const UnixMicros from = MonthStart(utc_month, 0), to = MonthEnd(utc_month, 0);
  const UnixMicros now = clock_.NowMicros();
  const Month first = MonthOf(from, catalog.InForceAt(from).settings.utc_offset_s);
  const Month last = MonthOf(to - 1, catalog.InForceAt(to - 1).settings.utc_offset_s);
  std::vector<std::pair<Month, UnixMicros>> billing_months;  // and their ends
  for (Month m = first;; m = m.Next()) {
    billing_months.emplace_back(m, MonthEnd(m, OffsetOf(catalog, m)));
    if (m == last) break;
  }
  for (const auto& [m, end] : billing_months) {
    if (now < end)
      return Status(errc::kMonthNotEnded, "usage month " + utc_month.ToString() +
                                              " (UTC) holds calls of billing month " +
                                              m.ToString() + ", which has not ended");
  }
  // One read of the accounts and each billing month's bills.
  std::string unsettled;  // the first billing month still missing bills, and for whom
  Status s = store_.Read([&](store::Txn& txn) -> Status {
    unsettled.clear();
    ASSIGN_OR_RETURN(auto accounts, txn.ListAccounts());
    for (const auto& [m, end] : billing_months) {
      std::vector<std::string> due, missing;
      for (const auto& a : accounts)
        if (a.activated_at && *a.activated_at < end) due.push_back(a.id);
      if (due.empty()) continue;
      // The store's order (ListAccounts and BilledAccounts agree on it).
      ASSIGN_OR_RETURN(auto billed, txn.BilledAccounts(m.ToString(), due.front(), due.back()));
      const std::set<std::string> has_bill(billed.begin(), billed.end());
      for (const auto& id : due)
        if (!has_bill.count(id)) missing.push_back(id);
      if (missing.empty()) continue;
      unsettled = "billing month " + m.ToString() + " has no bill yet for " +
                  std::to_string(missing.size()) + " account(s) (" + Unbilled(missing) +
                  "): run `kanjian bill run --month " + m.ToString() + "` first";
      return Status::Ok();
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  if (!unsettled.empty()) return Status(errc::kMonthNotSettled, unsettled);
  return store_.DetachUsageMonth(utc_month.ToString(), now);
}

}  // namespace kanjian::billing
