// What a tenant may read (and the few things it may do) about its own
// billing, for the billing API 3.0 (server/billing_api/) and the console
// (server/console/). Every figure comes from the engine that owns its rule
// — bills from settlement, the pack refund verdict from the refund rules,
// forecasts from the pricing — and nothing here prices or decides on its own.
// Every call takes the caller's AccountId: a pack or bill of another account
// is not found (errc::kNotFound), never shown.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "billing/billing.h"
#include "billing/rules/notices.h"

namespace kanjian::billing {

// One local calendar day (billing time zone) of one action's calls by source.
struct DailyUsage {
  std::string day;  // "YYYY-MM-DD"
  std::string action;
  int64_t free = 0, pack = 0, postpaid = 0;
};

// A month's bill as the tenant sees it: the engine's bill and, once settled,
// what each source paid for it (settlement's ledger entry).
struct TenantBill {
  BillView bill;
  Payment paid;  // all zero until settled
};

// A free pack's consumption: `used` of `quota` calls, shared by `actions`.
struct FreePackUsage {
  std::string month;  // "YYYY-MM"
  std::string group;
  std::vector<std::string> actions;
  int64_t quota = 0, used = 0;
};

// A purchased or gifted pack with the refund rules' verdict right now.
struct PackState {
  store::Pack pack;
  Status refund;                // OK: refundable now; else the refusal naming its rule
  UnixMicros refund_until = 0;  // end of the no-reason window (exclusive)
};

// This month so far and the month-end forecast (today's pace kept up to
// the month's end, priced by the catalog like the bill will be).
struct MonthCost {
  std::string month;
  Fen so_far = 0, forecast = 0;
};

// One UTC-aligned hour of one action's calls by source (drill-down).
struct HourlyUsage {
  UnixMicros hour = 0;  // start of the hour
  int64_t free = 0, pack = 0, postpaid = 0;
};

// One page of the calls behind an hour (drill-down), oldest first.
struct CallPage {
  std::vector<store::UsageRecord> calls;
  std::string next;  // cursor of the next page, "" on the last one
};

class TenantView {
 public:
  explicit TenantView(BillingService& billing) : billing_(billing) {}

  Result<AccountView> Account(const std::string& account_id);
  Result<Balance> AccountBalance(const std::string& account_id);
  Result<TenantBill> Bill(const std::string& account_id, Month month);
  // Calls per local day in [first_day, first_day + days), every action that
  // has calls in the range, ordered by day then action.
  Result<std::vector<DailyUsage>> Daily(const std::string& account_id, UnixMicros first_day,
                                        int days);
  Result<std::vector<FreePackUsage>> FreePacks(const std::string& account_id, Month month);
  // Purchased and gifted packs (not free ones), newest first.
  Result<std::vector<PackState>> Packs(const std::string& account_id);
  Result<MonthCost> CostThisMonth(const std::string& account_id);

  // Drill-down: the 24 hours of local day `day_start` for one action, and
  // the calls behind one hour, `limit` (1-500) a page from `cursor` ("" =
  // first page; InvalidParameterValue if malformed).
  Result<std::vector<HourlyUsage>> Hourly(const std::string& account_id, const std::string& action,
                                          UnixMicros day_start);
  Result<CallPage> Calls(const std::string& account_id, const std::string& action, UnixMicros hour,
                         const std::string& cursor, int64_t limit);

  // What the tenant should be told now (notices.h), most urgent first.
  Result<std::vector<TenantNotice>> Notices(const std::string& account_id);
  Result<SpendGuardView> SpendGuard(const std::string& account_id);
  Status SetSpendBudget(const std::string& account_id, std::optional<Fen> budget);

  // Tenant-scoped actions: a pack id of another account is ResourceNotFound.
  Result<Payment> RefundPack(const std::string& account_id, const std::string& pack_id);
  Result<Purchase> BuyPack(const std::string& account_id, const std::string& action, int64_t calls,
                           const std::string& voucher_id, const std::string& idempotency_key);

  // The catalog version in force now (pack SKUs, prices, settings).
  Result<CatalogVersion> CatalogNow();
  // Calendar of the billing time zone.
  Result<Month> CurrentMonth();
  // Start of local day "YYYY-MM-DD"; InvalidParameterValue if malformed.
  Result<UnixMicros> DayStart(const std::string& date);
  Result<int> OffsetNow();
  UnixMicros Now() const { return billing_.clock().NowMicros(); }

 private:
  BillingService& billing_;
};

}  // namespace kanjian::billing
