#include "billing/views/tenant_view.h"

#include <algorithm>
#include <map>

#include "billing/ledger_util.h"
#include "billing/rules/pricing.h"
#include "billing/rules/usage_counts.h"
#include "common/error_codes.h"
#include "common/iso8601.h"

namespace kanjian::billing {
namespace {

std::string DayName(UnixMicros day_start, int offset_s) {
  return FormatIso8601(day_start, offset_s).substr(0, 10);
}

Status NotYours(const std::string& what) {
  return Status(errc::kNotFound, what + " not found");
}

}  // namespace

Result<CatalogVersion> TenantView::CatalogNow() {
  ASSIGN_OR_RETURN(auto catalog, billing_.LoadCatalog());
  return catalog.InForceAt(billing_.clock().NowMicros());
}

Result<int> TenantView::OffsetNow() {
  return billing_.OffsetNow();
}

Result<Month> TenantView::CurrentMonth() {
  ASSIGN_OR_RETURN(auto offset, OffsetNow());
  return MonthOf(billing_.clock().NowMicros(), offset);
}

Result<UnixMicros> TenantView::DayStart(const std::string& date) {
  ASSIGN_OR_RETURN(auto offset, OffsetNow());
  int y = 0, m = 0, d = 0;
  char tail = 0;
  if (date.size() != 10 || std::sscanf(date.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 ||
      date[4] != '-' || date[7] != '-' || m < 1 || m > 12 || d < 1 ||
      d > (MonthEnd({y, m}, 0) - MonthStart({y, m}, 0)) / kMicrosPerDay)
    return Status(errc::kInvalidParameterValue, "'" + date + "' is not a date YYYY-MM-DD");
  return MonthStart({y, m}, offset) + (d - 1) * kMicrosPerDay;
}

Result<AccountView> TenantView::Account(const std::string& account_id) {
  return billing_.ViewAccount(account_id);
}

Result<Balance> TenantView::AccountBalance(const std::string& account_id) {
  return billing_.AccountBalance(account_id);
}

Result<TenantBill> TenantView::Bill(const std::string& account_id, Month month) {
  ASSIGN_OR_RETURN(auto bill, billing_.ShowBill(account_id, month));
  TenantBill out{std::move(bill), {}};
  if (out.bill.status != BillState::kSettled) return out;
  Status s = billing_.store_.Read([&](store::Txn& txn) -> Status {
    // Settlement's ledger entry is keyed by account and month (settlement.cc).
    ASSIGN_OR_RETURN(auto paid,
                     txn.FindLedgerTxnByKey("settle:" + account_id + ":" + out.bill.month));
    if (paid) out.paid = internal::PaymentOf(*paid, account_id);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Result<std::vector<DailyUsage>> TenantView::Daily(const std::string& account_id,
                                                  UnixMicros first_day, int days) {
  ASSIGN_OR_RETURN(auto offset, OffsetNow());
  std::vector<DailyUsage> out;
  RETURN_IF_ERROR(billing_.store_.Read([&](store::Txn& txn) -> Status {
    for (int i = 0; i < days; ++i) {
      const UnixMicros start = first_day + i * kMicrosPerDay;
      ASSIGN_OR_RETURN(auto sums, txn.SumUsage(account_id, start, start + kMicrosPerDay));
      std::map<std::string, DailyUsage> by_action;
      for (const auto& row : sums) {
        DailyUsage& d = by_action[row.action];
        d.action = row.action;
        CountBySource(d, row.source, row.quantity);
      }
      const std::string day = DayName(start, offset);
      for (auto& [action, d] : by_action) {
        d.day = day;
        out.push_back(std::move(d));
      }
    }
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<FreePackUsage>> TenantView::FreePacks(const std::string& account_id,
                                                         Month month) {
  ASSIGN_OR_RETURN(auto packs,
                   billing_.ListPacks(account_id));  // issues this month's free packs first
  ASSIGN_OR_RETURN(auto catalog, billing_.LoadCatalog());
  const int offset = BillingService::OffsetOf(catalog, month);
  const UnixMicros start = MonthStart(month, offset), end = MonthEnd(month, offset);
  std::vector<FreePackUsage> out;
  for (const store::Pack& p : packs) {
    if (p.kind != store::PackKind::kFree || p.created_at < start || p.created_at >= end) continue;
    out.push_back({month.ToString(), p.free_group, p.actions, p.calls, p.used});
  }
  return out;
}

Result<std::vector<PackState>> TenantView::Packs(const std::string& account_id) {
  ASSIGN_OR_RETURN(auto catalog, billing_.LoadCatalog());
  const UnixMicros now = billing_.clock().NowMicros();
  const BillingSettings& settings = catalog.InForceAt(now).settings;
  std::vector<PackState> out;
  RETURN_IF_ERROR(billing_.store_.Read([&](store::Txn& txn) -> Status {
    ASSIGN_OR_RETURN(auto account, txn.FindAccount(account_id));
    ASSIGN_OR_RETURN(auto packs, txn.ListPacks(account.id));
    for (const store::Pack& p : packs) {
      if (p.kind == store::PackKind::kFree) continue;
      out.push_back({p, BillingService::CheckRefundAllowed(txn, p, account, settings, now),
                     BillingService::PackRefundWindowEnd(p, settings)});
    }
    return Status::Ok();
  }));
  std::stable_sort(out.begin(), out.end(), [](const PackState& a, const PackState& b) {
    return a.pack.created_at > b.pack.created_at;
  });
  return out;
}

Result<MonthCost> TenantView::CostThisMonth(const std::string& account_id) {
  ASSIGN_OR_RETURN(auto month, CurrentMonth());
  ASSIGN_OR_RETURN(auto catalog, billing_.LoadCatalog());
  const int offset = BillingService::OffsetOf(catalog, month);
  const UnixMicros start = MonthStart(month, offset), end = MonthEnd(month, offset);
  const UnixMicros now = std::clamp(billing_.clock().NowMicros(), start + 1, end);
  const CatalogVersion& version = catalog.InForceAt(start);

  ASSIGN_OR_RETURN(auto bill, billing_.ShowBill(account_id, month));
  ASSIGN_OR_RETURN(auto usage, billing_.UsageForMonth(account_id, month));
  ASSIGN_OR_RETURN(auto packs, billing_.ListPacks(account_id));

  MonthCost out{month.ToString(), bill.total, 0};
  for (const UsageByAction& u : usage) {
    // The same pace to the month's end; what is left in free and prepaid
    // packs covering the action absorbs the extra calls first.
    const int64_t projected =
        static_cast<int64_t>(static_cast<__int128>(u.total) * (end - start) / (now - start));
    int64_t covered = 0;
    for (const store::Pack& p : packs) {
      const bool covers =
          std::find(p.actions.begin(), p.actions.end(), u.action) != p.actions.end();
      if (covers && !p.refunded_at && p.expires_at > now) covered += p.calls - p.used;
    }
    const int64_t postpaid = u.postpaid + std::max<int64_t>(0, projected - u.total - covered);
    for (const PricedLine& l : PriceMonth(version, u.action, projected, postpaid))
      out.forecast += l.amount;
  }
  return out;
}

Result<Payment> TenantView::RefundPack(const std::string& account_id, const std::string& pack_id) {
  bool mine = false;
  RETURN_IF_ERROR(billing_.store_.Read([&](store::Txn& txn) -> Status {
    auto pack = txn.FindPack(pack_id);
    mine = pack.ok() && pack->account_id == account_id;
    return Status::Ok();
  }));
  if (!mine) return NotYours("pack " + pack_id);
  return billing_.RefundPack(pack_id);
}

Result<Purchase> TenantView::BuyPack(const std::string& account_id, const std::string& action,
                                     int64_t calls, const std::string& voucher_id,
                                     const std::string& idempotency_key) {
  // Idempotency keys are global: scope the tenant's to its account.
  const std::string key =
      idempotency_key.empty() ? "" : "tenant:" + account_id + ":" + idempotency_key;
  return billing_.BuyPack(account_id, action, calls, voucher_id, "", key);
}

}  // namespace kanjian::billing

namespace kanjian::billing {

Result<std::vector<HourlyUsage>> TenantView::Hourly(const std::string& account_id,
                                                    const std::string& action,
                                                    UnixMicros day_start) {
  std::vector<HourlyUsage> out;
  RETURN_IF_ERROR(billing_.store_.Read([&](store::Txn& txn) -> Status {
    for (int h = 0; h < 24; ++h) {
      HourlyUsage u{day_start + h * kMicrosPerHour};
      ASSIGN_OR_RETURN(auto sums, txn.SumUsage(account_id, u.hour, u.hour + kMicrosPerHour));
      for (const auto& row : sums) {
        if (row.action != action) continue;
        CountBySource(u, row.source, row.quantity);
      }
      out.push_back(u);
    }
    return Status::Ok();
  }));
  return out;
}

Result<CallPage> TenantView::Calls(const std::string& account_id, const std::string& action,
                                   UnixMicros hour, const std::string& cursor, int64_t limit) {
  if (limit < 1 || limit > 500) return Status(errc::kInvalidParameterValue, "limit must be 1-500");
  if (store::HourOf(hour) != hour)
    return Status(errc::kInvalidParameterValue, "not the start of an hour");
  // Cursor "<at>.<request_id>" of the last call of the previous page.
  UnixMicros after_at = 0;
  std::string after_id;
  if (!cursor.empty()) {
    const size_t dot = cursor.find('.');
    char* end = nullptr;
    const std::string at_text = cursor.substr(0, dot);
    after_at = std::strtoll(at_text.c_str(), &end, 10);
    if (dot == std::string::npos || dot == 0 || *end != '\0' || dot + 1 == cursor.size())
      return Status(errc::kInvalidParameterValue, "malformed cursor");
    after_id = cursor.substr(dot + 1);
  }
  CallPage out;
  RETURN_IF_ERROR(billing_.store_.Read([&](store::Txn& txn) -> Status {
    ASSIGN_OR_RETURN(auto page, txn.ListUsagePage(account_id, action, hour, hour + kMicrosPerHour,
                                                  after_at, after_id, limit));
    out.calls = std::move(page);
    return Status::Ok();
  }));
  if (static_cast<int64_t>(out.calls.size()) == limit)
    out.next = std::to_string(out.calls.back().at) + "." + out.calls.back().request_id;
  return out;
}

Result<std::vector<TenantNotice>> TenantView::Notices(const std::string& account_id) {
  NoticeFacts facts;
  ASSIGN_OR_RETURN(auto account, billing_.ViewAccount(account_id));
  facts.status = account.status;
  facts.balance = account.balance.total();
  ASSIGN_OR_RETURN(auto month, CurrentMonth());
  ASSIGN_OR_RETURN(auto catalog, billing_.LoadCatalog());
  ASSIGN_OR_RETURN(auto packs,
                   billing_.ListPacks(account_id));  // issues this month's free packs first
  const int offset = BillingService::OffsetOf(catalog, month);
  const UnixMicros start = MonthStart(month, offset), end = MonthEnd(month, offset);
  for (const store::Pack& p : packs) {  // this month's free packs, as FreePacks() selects them
    if (p.kind == store::PackKind::kFree && p.created_at >= start && p.created_at < end)
      facts.free_packs.push_back({p.free_group, p.calls, p.used});
  }
  facts.packs = std::move(packs);
  ASSIGN_OR_RETURN(auto stored, billing_.Notices(account_id));
  facts.stored = std::move(stored);
  ASSIGN_OR_RETURN(auto guard, billing_.SpendGuard(account_id));
  facts.budget = guard.budget;
  facts.spent = guard.spent;
  return ComputeNotices(facts, billing_.clock().NowMicros());
}

Result<SpendGuardView> TenantView::SpendGuard(const std::string& account_id) {
  return billing_.SpendGuard(account_id);
}

Status TenantView::SetSpendBudget(const std::string& account_id, std::optional<Fen> budget) {
  return billing_.SetSpendBudget(account_id, budget);
}

}  // namespace kanjian::billing
