#include "billing/views/operator_view.h"

#include <algorithm>
#include <cstdlib>
#include <unordered_map>

#include "billing/rules/usage_counts.h"
#include "common/error_codes.h"

namespace kanjian::billing {

Result<std::vector<AccountView>> OperatorView::SearchAccounts(const std::string& query,
                                                              int64_t limit) {
  std::vector<std::string> ids;
  RETURN_IF_ERROR(billing_.store_.Read([&](store::Txn& txn) -> Status {
    ASSIGN_OR_RETURN(auto all, txn.ListAccounts());
    for (const auto& a : all) {
      if (static_cast<int64_t>(ids.size()) >= limit) break;
      if (query.empty() || a.id.find(query) != std::string::npos ||
          a.name.find(query) != std::string::npos)
        ids.push_back(a.id);
    }
    return Status::Ok();
  }));
  std::vector<AccountView> out;
  for (const auto& id : ids) {
    ASSIGN_OR_RETURN(auto view, billing_.ViewAccount(id));
    out.push_back(std::move(view));
  }
  return out;
}

Result<PlatformFigures> OperatorView::Figures() {
  PlatformFigures out;
  std::vector<std::string> ids;
  RETURN_IF_ERROR(billing_.store_.Read([&](store::Txn& txn) -> Status {
    ASSIGN_OR_RETURN(auto books, txn.Balances(kPlatform));
    out.revenue_pack = (books)["revenue:pack"];
    out.revenue_postpaid = (books)["revenue:postpaid"];
    ASSIGN_OR_RETURN(auto all, txn.ListAccounts());
    for (const auto& a : all) ids.push_back(a.id);
    return Status::Ok();
  }));
  for (const auto& id : ids) {
    ASSIGN_OR_RETURN(auto view, billing_.ViewAccount(id));
    if (view.status == ServiceState::kArrears) ++out.accounts_in_arrears;
    if (const Fen total = view.balance.total(); total < 0) out.owed -= total;
  }
  return out;
}

Result<int> OperatorView::OffsetNow() {
  return billing_.OffsetNow();
}

Result<Month> OperatorView::LastMonth() {
  ASSIGN_OR_RETURN(auto offset, OffsetNow());
  const Month now = MonthOf(billing_.clock().NowMicros(), offset);
  return now.month == 1 ? Month{now.year - 1, 12} : Month{now.year, now.month - 1};
}

Result<std::vector<CatalogVersionRow>> OperatorView::CatalogVersions() {
  ASSIGN_OR_RETURN(auto catalog, billing_.LoadCatalog());
  std::vector<store::CatalogVersion> stored;
  RETURN_IF_ERROR(billing_.store_.Read([&](store::Txn& txn) -> Status {
    ASSIGN_OR_RETURN(auto rows, txn.ListCatalogVersions());
    stored = std::move(rows);
    return Status::Ok();
  }));
  const CatalogVersion& in_force = catalog.InForceAt(billing_.clock().NowMicros());
  std::vector<CatalogVersionRow> out;
  for (const auto& v : catalog.versions()) {
    CatalogVersionRow row{v.version, v.effective_from, 0, &v == &in_force};
    for (const auto& r : stored) {
      if (r.version == v.version) row.published_at = r.published_at;
    }
    out.push_back(row);
  }
  return out;
}

namespace {

template <typename T, typename Fn>
Result<std::vector<T>> ReadList(store::Store& store, Fn fn) {
  std::vector<T> out;
  RETURN_IF_ERROR(store.Read([&](store::Txn& txn) -> Status {
    ASSIGN_OR_RETURN(auto rows, fn(txn));
    out = std::move(rows);
    return Status::Ok();
  }));
  return out;
}

}  // namespace

Result<std::vector<store::NoticeBatch>> OperatorView::CatalogNotices(int64_t limit) {
  return ReadList<store::NoticeBatch>(
      billing_.store_, [&](store::Txn& t) { return t.ListNoticeBatches("catalog_change", limit); });
}

Result<std::vector<store::BillMonth>> OperatorView::BillMonths(int64_t limit) {
  return ReadList<store::BillMonth>(billing_.store_,
                                    [&](store::Txn& t) { return t.ListBillMonths(limit); });
}

Result<SettlementRun> OperatorView::SettlementRunOf(Month month, int64_t limit) {
  SettlementRun run;
  run.month = month.ToString();
  RETURN_IF_ERROR(billing_.store_.Read([&](store::Txn& txn) -> Status {
    ASSIGN_OR_RETURN(auto accounts, txn.ListAccounts());
    for (const auto& a : accounts) {
      ASSIGN_OR_RETURN(auto bill, txn.FindBill(a.id, run.month));
      if (!bill) continue;
      const store::Bill& b = *bill;
      ++run.bill_count;
      run.total += b.total_fen;
      if (static_cast<int64_t>(run.bills.size()) < limit)
        run.bills.push_back({a.id, a.name, b.total_fen, b.created_at});
      if (b.total_fen <= 0) continue;  // nothing deducted
      // The balance just after the run's deduction: the account's ledger in
      // order, up to the settlement transaction that names this bill.
      ASSIGN_OR_RETURN(auto ledger, txn.ListLedgerTxns(a.id));
      Fen balance = 0;
      for (const auto& t : ledger) {
        Fen delta = 0;
        for (const auto& p : t.postings) {
          if (p.owner == a.id && (p.book == "cash" || p.book == "income" || p.book == "gift"))
            delta += p.amount_fen;
        }
        balance += delta;
        if (t.kind == store::LedgerKind::kSettlement && t.ref == b.id) {
          if (balance < 0 && balance - delta >= 0)
            run.went_negative.push_back({a.id, a.name, balance - delta, balance});
          break;
        }
      }
    }
    return Status::Ok();
  }));
  for (auto& d : run.went_negative) {
    ASSIGN_OR_RETURN(auto view, billing_.ViewAccount(d.account_id));
    d.status_now = view.status;
  }
  return run;
}

Result<std::vector<store::LedgerTxn>> OperatorView::Refunds(int64_t limit) {
  return ReadList<store::LedgerTxn>(billing_.store_, [&](store::Txn& t) {
    return t.ListLedgerTxnsOfKind(store::LedgerKind::kRefund, limit);
  });
}

Result<std::vector<store::Voucher>> OperatorView::Vouchers(int64_t limit) {
  return ReadList<store::Voucher>(billing_.store_,
                                  [&](store::Txn& t) { return t.ListRecentVouchers(limit); });
}

Result<WhatIfReport> OperatorView::WhatIf(Month month, const nlohmann::json& draft_document,
                                          size_t limit) {
  ASSIGN_OR_RETURN(auto draft_versions, Catalog::ParseDocument(draft_document));
  if (draft_versions.empty())
    return Status(errc::kInvalidParameterValue, "the draft holds no version");
  const CatalogVersion& draft = draft_versions.back();
  ASSIGN_OR_RETURN(auto catalog, billing_.LoadCatalog());
  const int offset = BillingService::OffsetOf(catalog, month);
  const UnixMicros start = MonthStart(month, offset), end = MonthEnd(month, offset);
  const CatalogVersion& current = catalog.InForceAt(start);

  // One pass over the month's hourly totals, as the settlement reads them.
  std::unordered_map<std::string, MonthCalls> usage;
  std::unordered_map<std::string, std::string> names;
  RETURN_IF_ERROR(billing_.store_.Read([&](store::Txn& txn) -> Status {
    ASSIGN_OR_RETURN(auto accounts, txn.ListAccounts());
    for (const auto& a : accounts) names[a.id] = a.name;
    return txn.ScanUsageTotals(start, end,
                               [&](std::string_view account, std::string_view action,
                                   store::UsageSource source, int64_t quantity) {
                                 SourceCalls& c = usage[std::string(account)][std::string(action)];
                                 CountBySource(c, source, quantity);
                               });
  }));

  WhatIfReport report;
  report.month = month.ToString();
  report.draft_version = draft.version;
  report.current_version = current.version;
  for (const auto& [account_id, calls] : usage) {
    AccountRebill r{account_id, names[account_id], PriceCalls(current, calls),
                    PriceCalls(draft, ResplitFree(draft, calls))};
    r.old_total = TotalOf(r.old_lines);
    r.new_total = TotalOf(r.new_lines);
    report.old_total += r.old_total;
    report.new_total += r.new_total;
    ++report.accounts_with_calls;
    if (r.old_total != r.new_total) ++report.accounts_changed;
    report.accounts.push_back(std::move(r));
  }
  std::sort(report.accounts.begin(), report.accounts.end(),
            [](const AccountRebill& a, const AccountRebill& b) {
              const Fen da = std::abs(a.new_total - a.old_total),
                        db = std::abs(b.new_total - b.old_total);
              return da != db ? da > db : a.account_id < b.account_id;
            });
  if (report.accounts.size() > limit) report.accounts.resize(limit);
  return report;
}

}  // namespace kanjian::billing
