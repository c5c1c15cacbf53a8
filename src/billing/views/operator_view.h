// What the operator console reads over every account, and its what-if.
// Like TenantView it decides nothing itself: statuses and balances come
// from the account view, bills from settlement, prices from PriceMonth,
// catalog rules from PublishCatalog (called by the console directly).
#pragma once

#include <string>
#include <vector>

#include "billing/billing.h"
#include "billing/views/what_if.h"

namespace kanjian::billing {

struct CatalogVersionRow {
  std::string version;
  UnixMicros effective_from = 0;
  UnixMicros published_at = 0;  // 0 for the bundled catalog, never published
  bool in_force = false;
};

struct AccountRebill {
  std::string account_id, name;
  std::vector<store::BillLine> old_lines, new_lines;
  Fen old_total = 0, new_total = 0;
};

struct WhatIfReport {
  std::string month;
  std::string draft_version, current_version;  // the draft, and the version that priced the month
  std::vector<AccountRebill> accounts;  // those with calls, largest change first (at most `limit`)
  int64_t accounts_with_calls = 0, accounts_changed = 0;
  Fen old_total = 0, new_total = 0;  // over every account
};

// The platform's books and arrears now, for /metrics
// (server/jobs/settlement_scheduler.h), all in fen.
struct PlatformFigures {
  Fen revenue_pack = 0;             // the platform's "revenue:pack" book: packs sold less refunds
  Fen revenue_postpaid = 0;         // "revenue:postpaid": settled post-paid bills
  int64_t accounts_in_arrears = 0;  // service state arrears: their calls are refused
  Fen owed = 0;  // what accounts with a negative balance owe, in the grace period or past it
};

// A bill a settlement run created.
struct SettledBill {
  std::string account_id, name;
  Fen total = 0;
  UnixMicros created_at = 0;
};

// An account a settlement run took below zero: its balance (cash + income +
// gift) just before and just after the run's deduction, and its service
// state now (arrears once the grace period has passed, unless paid since).
struct SettlementDebtor {
  std::string account_id, name;
  Fen before = 0, after = 0;
  ServiceState status_now = ServiceState::kActive;
};

// One month's settlement run: the bills it created and whom it put in debt.
struct SettlementRun {
  std::string month;
  int64_t bill_count = 0;
  Fen total = 0;
  std::vector<SettledBill> bills;               // by account id, at most `limit`
  std::vector<SettlementDebtor> went_negative;  // by account id, every one
};

class OperatorView {
 public:
  explicit OperatorView(BillingService& billing) : billing_(billing) {}

  // Accounts whose id or name contains `query` ("" = all), by id, at most `limit`.
  Result<std::vector<AccountView>> SearchAccounts(const std::string& query, int64_t limit);
  Result<std::vector<CatalogVersionRow>> CatalogVersions();
  // Catalog-change notices, one row per publication that sent some.
  Result<std::vector<store::NoticeBatch>> CatalogNotices(int64_t limit);
  Result<std::vector<store::BillMonth>> BillMonths(int64_t limit);
  // Reads every account's bill for `month` and, for those with a deduction,
  // its ledger up to it: on demand, for one month at a time.
  Result<SettlementRun> SettlementRunOf(Month month, int64_t limit);
  Result<std::vector<store::LedgerTxn>> Refunds(int64_t limit);
  Result<std::vector<store::Voucher>> Vouchers(int64_t limit);
  // The month before the current one, in the billing time zone.
  Result<Month> LastMonth();
  Result<int> OffsetNow();
  // Reads every account's view: seconds for many thousands of accounts.
  Result<PlatformFigures> Figures();

  // `month` billed again under the (last) version of `draft_document`, a
  // document as `kanjian catalog publish` takes; read-only.
  Result<WhatIfReport> WhatIf(Month month, const nlohmann::json& draft_document, size_t limit);

 private:
  BillingService& billing_;
};

}  // namespace kanjian::billing
