#include "billing/rules/bill_rules.h"

#include "billing/rules/pricing.h"

namespace kanjian::billing {

std::vector<store::BillLine> BillLines(const CatalogVersion& version,
                                       const std::map<std::string, ActionSums>& sums) {
  std::vector<store::BillLine> lines;
  for (const auto& [action, s] : sums) {
    for (const PricedLine& l : PriceMonth(version, action, s.total, s.postpaid))
      lines.push_back({action, l.quantity, l.tier, l.unit_price, l.amount});
  }
  return lines;
}

Result<Fen> BillTotal(const std::vector<store::BillLine>& lines) {
  Fen total = 0;
  for (const auto& l : lines) {
    RETURN_IF_ERROR(AddChecked(l.amount_fen, &total, "a bill total"));
  }
  return total;
}

Result<store::Bill> BillFor(const std::string& account_id, Month month,
                            const CatalogVersion& version,
                            const std::map<std::string, ActionSums>& sums, UnixMicros now) {
  store::Bill bill;
  bill.id = "bill-" + month.ToString() + "-" + account_id;
  bill.account_id = account_id;
  bill.month = month.ToString();
  bill.created_at = now;
  bill.status = store::BillStatus::kSettled;
  bill.lines = BillLines(version, sums);
  ASSIGN_OR_RETURN(auto total, BillTotal(bill.lines));
  bill.total_fen = total;
  return bill;
}

Status AddUsage(ActionSums& sums, store::UsageSource source, int64_t quantity) {
  if (Status s = AddChecked(quantity, &sums.total, "a month's usage"); !s.ok()) return s;
  if (source == store::UsageSource::kPostpaid)
    return AddChecked(quantity, &sums.postpaid, "a month's post-paid usage");
  return Status::Ok();
}

}  // namespace kanjian::billing
