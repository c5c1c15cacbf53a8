#include "billing/rules/spend_guard.h"

#include "billing/rules/pricing.h"
#include "common/error_codes.h"

namespace kanjian::billing {

Fen PostpaidAmount(const CatalogVersion& version, const std::string& action,
                   const ActionCalls& calls) {
  Fen amount = 0;
  for (const PricedLine& l : PriceMonth(version, action, calls.total, calls.postpaid))
    amount += l.amount;
  return amount;
}

bool SpendGuardAdmits(std::optional<Fen> budget, Fen before, Fen after) {
  if (!budget) return true;
  return before < *budget && after <= *budget;
}

int SpendAlertPercent(Fen budget, Fen spent) {
  // spent/budget >= p/100, in integers.
  for (int percent : {100, 80, 50}) {
    if (static_cast<__int128>(spent) * 100 >= static_cast<__int128>(budget) * percent)
      return percent;
  }
  return 0;
}

Status SpendGuardRefusal(Fen budget, Fen spent) {
  return Status(
      errc::kSpendGuard,
      "the account's monthly post-paid budget (spend guard) of " + FormatYuan(budget) +
          " yuan is reached (" + FormatYuan(spent) +
          " spent this month): this call was not served and is not billed; raise or remove "
          "the budget in the console, or buy a resource pack for this action");
}

SpendTally::SpendTally(Fen budget, Catalog catalog, UnixMicros month_start,
                       std::map<std::string, ActionCalls> calls)
    : budget_(budget),
      catalog_(std::move(catalog)),
      month_start_(month_start),
      calls_(std::move(calls)) {
  for (const auto& [action, c] : calls_) spent_ += PostpaidAmount(Version(), action, c);
}

bool SpendTally::Admits(const std::string& action, int64_t calls, int64_t postpaid) const {
  if (!budget_ || postpaid == 0) return true;
  ActionCalls now;
  if (auto it = calls_.find(action); it != calls_.end()) now = it->second;
  const Fen before_action = PostpaidAmount(Version(), action, now);
  const Fen after_action =
      PostpaidAmount(Version(), action, {now.total + calls, now.postpaid + postpaid});
  return SpendGuardAdmits(budget_, spent_, spent_ - before_action + after_action);
}

void SpendTally::Add(const std::string& action, int64_t calls, int64_t postpaid) {
  if (!budget_) return;
  ActionCalls& c = calls_[action];
  const Fen before_action = PostpaidAmount(Version(), action, c);
  c.total += calls;
  c.postpaid += postpaid;
  spent_ += PostpaidAmount(Version(), action, c) - before_action;
}

}  // namespace kanjian::billing
