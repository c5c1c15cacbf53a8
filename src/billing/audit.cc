// The audit: every invariant the ledger and the usage records promise,
// re-derived from scratch (`kanjian audit`).
#include "billing/billing.h"
#include "billing/ledger_util.h"

namespace kanjian::billing {

Result<AuditReport> BillingService::Audit() {
  AuditReport report;
  Status s = store_.Read([&](store::Txn& txn) -> Status {
    ASSIGN_OR_RETURN(auto unbalanced, txn.UnbalancedLedgerTxns());
    for (const auto& id : unbalanced)
      report.problems.push_back("ledger txn " + id + " does not sum to zero");
    ASSIGN_OR_RETURN(auto mismatched, txn.PacksWithUsageMismatch());
    for (const auto& id : mismatched)
      report.problems.push_back("pack " + id + ": used differs from its usage records");
    ASSIGN_OR_RETURN(auto totals, txn.UsageTotalsMismatch());
    for (const auto& t : totals)
      report.problems.push_back("usage totals " + t + " differ from the call log");

    ASSIGN_OR_RETURN(auto accounts, txn.ListAccounts());
    report.accounts = static_cast<int64_t>(accounts.size());
    Fen accounts_sum = 0;
    for (const auto& a : accounts) {
      // Re-derive each balance by replaying the account's transactions.
      ASSIGN_OR_RETURN(auto txns, txn.ListLedgerTxns(a.id));
      report.ledger_txns += static_cast<int64_t>(txns.size());
      std::map<std::string, int64_t> replayed;
      for (const auto& t : txns) {
        for (const auto& leg : t.postings) {
          if (leg.owner == a.id) replayed[leg.book] += leg.amount_fen;
        }
      }
      ASSIGN_OR_RETURN(auto books, txn.Balances(a.id));
      for (const auto& [book, amount] : books) {
        accounts_sum += amount;
        if (replayed[book] != amount)
          report.problems.push_back(a.id + " " + book + ": balance " + FormatYuan(amount) +
                                    " but its transactions sum to " + FormatYuan(replayed[book]));
        if (book.rfind("voucher:", 0) == 0 && amount < 0)
          report.problems.push_back(a.id + " " + book + " is negative");
      }
      ASSIGN_OR_RETURN(auto packs, txn.ListPacks(a.id));
      for (const auto& p : packs) {
        ++report.packs;
        if (p.used < 0 || p.used > p.calls)
          report.problems.push_back("pack " + p.id + " used " + std::to_string(p.used) + " of " +
                                    std::to_string(p.calls));
        if (p.refunded_at && p.used != 0)
          report.problems.push_back("refunded pack " + p.id + " has usage");
      }
    }
    // Double entry: what accounts hold is exactly what the platform's books owe.
    ASSIGN_OR_RETURN(auto platform, txn.Balances(internal::kPlatform));
    Fen platform_sum = 0;
    for (const auto& [book, amount] : platform) platform_sum += amount;
    if (accounts_sum + platform_sum != 0)
      report.problems.push_back("accounts and platform books do not cancel: " +
                                FormatYuan(accounts_sum + platform_sum));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return report;
}

}  // namespace kanjian::billing
