// The spend guard's budget: set by the tenant (console) or the operator
// (`kanjian account budget`), read back with this month's spend. The
// verdict on each call is attribution's (attribution.cc, spend_guard.h).
#include "billing/billing.h"
#include "common/error_codes.h"

namespace kanjian::billing {

Status BillingService::SetSpendBudget(const std::string& account, std::optional<Fen> budget) {
  if (budget && *budget < 0)
    return Status(errc::kInvalidParameterValue, "the budget must not be negative");
  return store_.Write([&](store::Txn& txn) -> Status {
    ASSIGN_OR_RETURN(auto id, ResolveAccountId(txn, account));
    return txn.SetSpendBudget(id, budget, clock_.NowMicros());
  });
}

Result<SpendGuardView> BillingService::SpendGuard(const std::string& account) {
  ASSIGN_OR_RETURN(auto catalog, LoadCatalog());
  const UnixMicros now = clock_.NowMicros();
  const Month month = MonthOf(now, catalog.InForceAt(now).settings.utc_offset_s);
  SpendGuardView out;
  out.month = month.ToString();
  RETURN_IF_ERROR(store_.Read([&](store::Txn& txn) -> Status {
    ASSIGN_OR_RETURN(auto id, ResolveAccountId(txn, account));
    ASSIGN_OR_RETURN(auto budget, txn.FindSpendBudget(id));
    out.budget = budget;
    return Status::Ok();
  }));
  // The open month's bill is exactly what the guard compares (same pricing).
  ASSIGN_OR_RETURN(auto bill, ShowBill(account, month));
  out.spent = bill.total;
  if (out.budget) out.alert_percent = SpendAlertPercent(*out.budget, out.spent);
  return out;
}

}  // namespace kanjian::billing
