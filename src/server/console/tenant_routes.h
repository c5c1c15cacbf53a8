// The tenant console's routes behind the gate (console_gate.h), for the
// files that hold them: console_api.cc (account, packs, bills, keys,
// notices, spend guard) and console_drill.cc (a bill line's drill-down).
// Each reads and acts on the signed-in user's account only.
#pragma once

#include <string>
#include <vector>

#include "billing/accounts.h"
#include "billing/alerts/alert_service.h"
#include "billing/views/tenant_view.h"
#include "server/console/console_gate.h"

namespace kanjian::server::console {

struct TenantCall {
  const ConsoleCall& call;
  billing::TenantView& view;
  billing::AccountService& accounts;
  billing::AlertService* alerts;  // null: no alerts API
  const std::string& account_id() const { return call.session.user.account_id; }
  std::string Time(UnixMicros t) const { return call.Time(t); }
};

// The month asked for (?month=YYYY-MM), this month when absent.
Result<billing::Month> MonthParam(const TenantCall& c);
// The month's days in the billing time zone, up to today for this month;
// `days` is how many days the month has.
Result<std::vector<billing::DailyUsage>> MonthDaily(const TenantCall& c, billing::Month month,
                                                    int* days);

// GET drill/days?month=&action=: a bill line's calls per day of the month.
Result<HttpResponse> DrillDays(const TenantCall& c);
// GET drill/hours?day=&action=: a day's 24 local hours.
Result<HttpResponse> DrillHours(const TenantCall& c);
// GET drill/calls?day=&hour=&action=&cursor=&limit=: an hour's calls, a page at a time.
Result<HttpResponse> DrillCalls(const TenantCall& c);

}  // namespace kanjian::server::console
