// Monthly settlement (docs/billing.md §3, §5): one bill per account and month,
// one line per action (tier reached, unit price, amount rounded half-up
// once per line), deducted from the balance; idempotent.
//
// (our rule) The catalog version in force at the first instant of the month
// prices the whole month, as free quotas are those of the pack issued then.
#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "billing/billing.h"
#include "billing/ledger_util.h"
#include "billing/pricing.h"

namespace kanjian::billing {
namespace {

using internal::kPlatform;

struct ActionSums {
  int64_t total = 0, postpaid = 0;
};

std::vector<store::BillLine> PriceAccountMonth(const CatalogVersion& version,
                                               const std::map<std::string, ActionSums>& sums) {
  std::vector<store::BillLine> lines;
  for (const auto& [action, s] : sums) {
    for (const PricedLine& l : PriceMonth(version, action, s.total, s.postpaid))
      lines.push_back({action, l.quantity, l.tier, l.unit_price, l.amount});
  }
  return lines;
}

// Deducts `total` from the account's sources in the payment order (vouchers
// pay packs only); what the sources lack is taken from cash, which goes
// negative: the account is then in arrears.
std::vector<store::Posting> DeductionLegs(const std::string& account_id, Fen total,
                                          const std::map<std::string, int64_t>& books,
                                          const BillingSettings& settings) {
  std::vector<store::Posting> legs;
  Fen due = total;
  for (const std::string& source : settings.payment_order) {
    if (source == "voucher" || source == "cash" || due == 0) continue;
    auto it = books.find(source);
    const Fen take = std::min(due, it == books.end() ? 0 : std::max<Fen>(0, it->second));
    if (take > 0) legs.push_back({account_id, source, -take});
    due -= take;
  }
  if (due > 0) legs.push_back({account_id, "cash", -due});
  legs.push_back({kPlatform, "revenue:postpaid", total});
  return legs;
}

}  // namespace

Result<int64_t> BillingService::RunBills(Month month, const Progress& progress) {
  auto catalog = LoadCatalog();
  if (!catalog.ok()) return catalog.status();
  const int offset = OffsetOf(*catalog, month);
  const UnixMicros start = MonthStart(month, offset), end = MonthEnd(month, offset);
  const CatalogVersion& version = catalog->InForceAt(start);
  const UnixMicros now = clock_.NowMicros();
  if (now < end)
    return Status(errc::kMonthNotEnded, month.ToString() + " has not ended yet (it ends " +
                                            std::to_string(end / 1'000'000) + ")");

  std::vector<store::Account> accounts;
  // The month's usage per account, from one pass over the hourly totals.
  // Actions are interned (a handful of names), so an account's sums are a
  // small vector, not a map of strings.
  std::vector<std::string> action_names;
  std::unordered_map<std::string, std::vector<ActionSums>> usage;
  Status read = store_.Read([&](store::Txn& txn) -> Status {
    auto all = txn.ListAccounts();
    if (!all.ok()) return all.status();
    for (auto& a : *all) {
      if (a.activated_at && *a.activated_at < end) accounts.push_back(std::move(a));
    }
    std::string account_key;
    return txn.ScanUsageTotals(start, end, [&](std::string_view account, std::string_view action,
                                               std::string_view source, int64_t quantity) {
      size_t index = std::find(action_names.begin(), action_names.end(), action) - action_names.begin();
      if (index == action_names.size()) action_names.emplace_back(action);
      account_key.assign(account);
      std::vector<ActionSums>& sums = usage[account_key];
      if (sums.size() <= index) sums.resize(index + 1);
      sums[index].total += quantity;
      if (source == "postpaid") sums[index].postpaid += quantity;
    });
  });
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
    Status s = store_.Write([&](store::Txn& txn) -> Status {
      created_here = 0;
      // Read inside the write transaction: no other writer can add one now.
      auto billed = txn.BilledAccounts(month.ToString(), accounts[begin].id, accounts[stop - 1].id);
      if (!billed.ok()) return billed.status();
      const std::set<std::string> settled(billed->begin(), billed->end());
      for (size_t i = begin; i < stop; ++i) {
        const store::Account& a = accounts[i];
        if (settled.count(a.id)) continue;  // settled before: change nothing
        store::Bill bill;
        bill.id = "bill-" + month.ToString() + "-" + a.id;
        bill.account_id = a.id;
        bill.month = month.ToString();
        bill.created_at = now;
        bill.status = "settled";
        bill.lines = PriceAccountMonth(version, sums_of(a.id));
        for (const auto& l : bill.lines) bill.total_fen += l.amount_fen;
        if (Status st = txn.InsertBill(bill); !st.ok()) return st;
        if (bill.total_fen > 0) {
          auto books = txn.Balances(a.id);
          if (!books.ok()) return books.status();
          store::LedgerTxn t{ids::NewRequestId(), "settle:" + a.id + ":" + bill.month,
                             internal::RequestHash({"settle", a.id, bill.month}), a.id, "settlement",
                             now, bill.id, "post-paid usage " + bill.month,
                             DeductionLegs(a.id, bill.total_fen, *books, version.settings)};
          if (Status st = txn.InsertLedgerTxn(t); !st.ok()) return st;
        }
        ++created_here;
      }
      return Status::Ok();
    });
    if (!s.ok()) return s;
    created += created_here;
    if (progress) progress(static_cast<int64_t>(stop), static_cast<int64_t>(accounts.size()));
  }
  return created;
}

Result<BillView> BillingService::ShowBill(const std::string& account, Month month) {
  auto catalog = LoadCatalog();
  if (!catalog.ok()) return catalog.status();
  const int offset = OffsetOf(*catalog, month);
  const UnixMicros start = MonthStart(month, offset), end = MonthEnd(month, offset);
  BillView view;
  view.month = month.ToString();
  Status s = store_.Read([&](store::Txn& txn) -> Status {
    auto id = ResolveAccountId(txn, account);
    if (!id.ok()) return id.status();
    auto bill = txn.FindBill(*id, view.month);
    if (!bill.ok()) return bill.status();
    if (*bill) {
      view.lines = (*bill)->lines;
      view.total = (*bill)->total_fen;
      view.status = (*bill)->status;
      return Status::Ok();
    }
    // Not settled yet: what the bill would say now.
    auto sums = txn.SumUsage(*id, start, end);
    if (!sums.ok()) return sums.status();
    std::map<std::string, ActionSums> by_action;
    for (const auto& row : *sums) {
      by_action[row.action].total += row.quantity;
      if (row.source == "postpaid") by_action[row.action].postpaid += row.quantity;
    }
    view.lines = PriceAccountMonth(catalog->InForceAt(start), by_action);
    for (const auto& l : view.lines) view.total += l.amount_fen;
    view.status = clock_.NowMicros() >= end ? "unsettled" : "open";
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return view;
}

}  // namespace kanjian::billing
