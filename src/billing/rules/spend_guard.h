// Spend guard (beyond the public cloud; docs/tenants/console.md "Spend guard"): an
// optional monthly post-paid budget per account, set by the tenant in the
// console or by the operator (`kanjian account budget`). A call whose
// post-paid part would take the month's post-paid spend past the budget is
// refused (ResourceUnavailable.SpendGuard) and not recorded, so nothing is
// billed for it; free-pack and resource-pack calls always pass. The verdict
// is taken inside the write transaction that attributes the call
// (attribution.cc), so it is exact however many calls race.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "billing/rules/catalog.h"
#include "billing/rules/money.h"
#include "common/status.h"

namespace kanjian::billing {

// One action's billed calls in a month: all of them, and the post-paid ones.
struct ActionCalls {
  int64_t total = 0, postpaid = 0;
};

// The month's post-paid amount of one action as its bill will price it
// (pricing.h: the same lines settlement writes, summed).
Fen PostpaidAmount(const CatalogVersion& version, const std::string& action,
                   const ActionCalls& calls);

// The rule. A call that moves the month's post-paid spend from `before` to
// `after` is served when the account has no budget, or when the spend is
// still below the budget and stays within it (before < budget, after <=
// budget). So the month's bill never exceeds the budget, and a budget of 0
// forbids post-paid calls altogether.
bool SpendGuardAdmits(std::optional<Fen> budget, Fen before, Fen after);

// The highest alert threshold reached: 100, 80, 50 (percent of the budget
// spent), or 0. A budget of 0 is reached at once (100).
int SpendAlertPercent(Fen budget, Fen spent);

// The refusal sent to the caller (errc::kSpendGuard).
Status SpendGuardRefusal(Fen budget, Fen spent);

// One account's month as attribution goes: its budget, and its calls per
// action so far (only tracked when there is a budget).
class SpendTally {
 public:
  SpendTally() = default;  // no budget: admits everything, tracks nothing
  SpendTally(Fen budget, Catalog catalog, UnixMicros month_start,
             std::map<std::string, ActionCalls> calls);

  std::optional<Fen> budget() const { return budget_; }
  Fen spent() const { return spent_; }
  // Whether a call of `action` adding `calls` billed calls, `postpaid` of
  // them post-paid, may be served.
  bool Admits(const std::string& action, int64_t calls, int64_t postpaid) const;
  // Counts a recorded call.
  void Add(const std::string& action, int64_t calls, int64_t postpaid);

 private:
  const CatalogVersion& Version() const { return catalog_->InForceAt(month_start_); }

  std::optional<Fen> budget_;
  std::optional<Catalog> catalog_;
  UnixMicros month_start_ = 0;
  std::map<std::string, ActionCalls> calls_;
  Fen spent_ = 0;
};

}  // namespace kanjian::billing
