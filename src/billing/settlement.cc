// Monthly settlement (docs/billing.md §3, §5): one bill per account and month,
// one line per action (tier reached, unit price, amount rounded half-up
// once per line), deducted from the balance; idempotent. The rules are
// bill_rules.h (the bill) and payment_order.h (the deduction); this file
// loads, asks them, and stores.
//
// (our rule) The catalog version in force at the first instant of the month
// prices the whole month, as free quotas are those of the pack issued then.
#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "billing/billing.h"
#include "billing/ledger_util.h"
#include "billing/rules/bill_rules.h"
#include "billing/rules/payment_order.h"

namespace kanjian::billing {

Result<int64_t> BillingService::RunBills(Month month, const Progress& progress) {
  ASSIGN_OR_RETURN(auto catalog, LoadCatalog());
  const int offset = OffsetOf(catalog, month);
  const UnixMicros start = MonthStart(month, offset), end = MonthEnd(month, offset);
  const CatalogVersion& version = catalog.InForceAt(start);
  const UnixMicros now = clock_.NowMicros();
  if (now < end)
    return Status(errc::kMonthNotEnded, month.ToString() + " has not ended yet (it ends " +
                                            std::to_string(end / kMicrosPerSecond) + ")");

  std::vector<store::Account> accounts;
  // The month's usage per account, from one pass over the hourly totals.
  // Actions are interned (a handful of names), so an account's sums are a
  // small vector, not a map of strings.
  std::vector<std::string> action_names;
  std::unordered_map<std::string, std::vector<ActionSums>> usage;
  Status overflow = Status::Ok();
  Status read = store_.Read([&](store::Txn& txn) -> Status {
    ASSIGN_OR_RETURN(auto all, txn.ListAccounts());
    for (auto& a : all) {
      if (a.activated_at && *a.activated_at < end) accounts.push_back(std::move(a));
    }
    std::string account_key;
    return txn.ScanUsageTotals(
        start, end,
        [&](std::string_view account, std::string_view action, store::UsageSource source,
            int64_t quantity) {
          size_t index =
              std::find(action_names.begin(), action_names.end(), action) - action_names.begin();
          if (index == action_names.size()) action_names.emplace_back(action);
          account_key.assign(account);
          std::vector<ActionSums>& sums = usage[account_key];
          if (sums.size() <= index) sums.resize(index + 1);
          if (Status st = AddUsage(sums[index], source, quantity); !st.ok() && overflow.ok())
            overflow = st;
        });
  });
  if (read.ok()) read = overflow;
  if (!read.ok()) return read;
  auto sums_of = [&](const std::string& account_id) {
    std::map<std::string, ActionSums> by_action;
    if (auto it = usage.find(account_id); it != usage.end()) {
      for (size_t i = 0; i < it->second.size(); ++i) {
        if (it->second[i].total > 0) by_action[action_names[i]] = it->second[i];
      }
    }
    return by_action;
  };

  int64_t created = 0;
  constexpr size_t kChunk = 5000;  // accounts per transaction
  for (size_t begin = 0; begin < accounts.size(); begin += kChunk) {
    const size_t stop = std::min(accounts.size(), begin + kChunk);
    int64_t created_here = 0;
    RETURN_IF_ERROR(store_.Write([&](store::Txn& txn) -> Status {
      created_here = 0;
      // Read inside the write transaction: no other writer can add one now.
      ASSIGN_OR_RETURN(auto billed, txn.BilledAccounts(month.ToString(), accounts[begin].id,
                                                       accounts[stop - 1].id));
      const std::set<std::string> settled(billed.begin(), billed.end());
      for (size_t i = begin; i < stop; ++i) {
        const store::Account& a = accounts[i];
        if (settled.count(a.id)) continue;  // settled before: change nothing
        ASSIGN_OR_RETURN(auto built, BillFor(a.id, month, version, sums_of(a.id), now));
        const store::Bill& bill = built;
        RETURN_IF_ERROR(txn.InsertBill(bill));
        if (bill.total_fen > 0) {
          ASSIGN_OR_RETURN(auto books, txn.Balances(a.id));
          // The payment order (payment_order.h): vouchers pay packs only;
          // cash pays what the other sources lack and may go negative.
          PaymentPlan plan = PlanPayment(Payer::kSettlement, a.id, bill.total_fen, books,
                                         version.settings.payment_order);
          plan.legs.push_back({kPlatform, "revenue:postpaid", bill.total_fen});
          store::LedgerTxn t{ids_.Next(IdKind::kLedgerTxn),
                             "settle:" + a.id + ":" + bill.month,
                             internal::RequestHash({"settle", a.id, bill.month}),
                             a.id,
                             store::LedgerKind::kSettlement,
                             now,
                             bill.id,
                             "post-paid usage " + bill.month,
                             std::move(plan.legs)};
          RETURN_IF_ERROR(txn.InsertLedgerTxn(t));
        }
        ++created_here;
      }
      return Status::Ok();
    }));
    created += created_here;
    if (progress) progress(static_cast<int64_t>(stop), static_cast<int64_t>(accounts.size()));
  }
  return created;
}

Result<BillView> BillingService::ShowBill(const std::string& account, Month month) {
  ASSIGN_OR_RETURN(auto catalog, LoadCatalog());
  const int offset = OffsetOf(catalog, month);
  const UnixMicros start = MonthStart(month, offset), end = MonthEnd(month, offset);
  BillView view;
  view.month = month.ToString();
  RETURN_IF_ERROR(store_.Read([&](store::Txn& txn) -> Status {
    ASSIGN_OR_RETURN(auto id, ResolveAccountId(txn, account));
    ASSIGN_OR_RETURN(auto bill, txn.FindBill(id, view.month));
    if (bill) {
      view.lines = bill->lines;
      view.total = bill->total_fen;
      view.status = BillState::kSettled;
      return Status::Ok();
    }
    // Not settled yet: what the bill would say now.
    ASSIGN_OR_RETURN(auto sums, txn.SumUsage(id, start, end));
    std::map<std::string, ActionSums> by_action;
    for (const auto& row : sums) {
      RETURN_IF_ERROR(AddUsage(by_action[row.action], row.source, row.quantity));
    }
    view.lines = BillLines(catalog.InForceAt(start), by_action);
    ASSIGN_OR_RETURN(auto total, BillTotal(view.lines));
    view.total = total;
    view.status = clock_.NowMicros() >= end ? BillState::kUnsettled : BillState::kOpen;
    return Status::Ok();
  }));
  return view;
}

std::string_view ToString(BillState state) {
  switch (state) {
    case BillState::kOpen:
      return "open";
    case BillState::kUnsettled:
      return "unsettled";
    case BillState::kSettled:
      return "settled";
  }
  return "open";
}

}  // namespace kanjian::billing
