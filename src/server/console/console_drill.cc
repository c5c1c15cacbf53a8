// A bill line's drill-down: month → days → hours → the calls themselves.
#include "common/error_codes.h"
#include "protocol/actions.h"
#include "server/console/tenant_routes.h"

namespace kanjian::server::console {
namespace {

using nlohmann::json;

Result<std::string> ActionParam(const TenantCall& c) {
  const std::string action = c.call.Query("action");
  if (!protocol::FindAction(action))
    return Status(errc::kInvalidParameterValue, "action must be one of the API's actions");
  return action;
}

}  // namespace

Result<HttpResponse> DrillDays(const TenantCall& c) {
  ASSIGN_OR_RETURN(const billing::Month month, MonthParam(c));
  ASSIGN_OR_RETURN(const std::string action, ActionParam(c));
  int days = 0;
  ASSIGN_OR_RETURN(const auto daily, MonthDaily(c, month, &days));
  json rows = json::array();
  for (const auto& d : daily) {
    if (d.action != action) continue;
    rows.push_back({{"Day", d.day}, {"Free", d.free}, {"Pack", d.pack}, {"Postpaid", d.postpaid}});
  }
  return JsonReply(200, {{"Month", month.ToString()}, {"Action", action}, {"Days", rows}});
}

Result<HttpResponse> DrillHours(const TenantCall& c) {
  const std::string day = c.call.Query("day");
  ASSIGN_OR_RETURN(const UnixMicros start, c.view.DayStart(day));
  ASSIGN_OR_RETURN(const std::string action, ActionParam(c));
  ASSIGN_OR_RETURN(const auto hours, c.view.Hourly(c.account_id(), action, start));
  json rows = json::array();
  for (size_t i = 0; i < hours.size(); ++i) {
    const auto& u = hours[i];
    rows.push_back({{"Hour", static_cast<int>(i)},
                    {"Start", c.Time(u.hour)},
                    {"Free", u.free},
                    {"Pack", u.pack},
                    {"Postpaid", u.postpaid}});
  }
  return JsonReply(200, {{"Day", day}, {"Action", action}, {"Hours", rows}});
}

Result<HttpResponse> DrillCalls(const TenantCall& c) {
  const std::string day = c.call.Query("day");
  ASSIGN_OR_RETURN(const UnixMicros start, c.view.DayStart(day));
  ASSIGN_OR_RETURN(const std::string action, ActionParam(c));
  const std::string hour_text = c.call.Query("hour");
  const std::string limit_text = c.call.Query("limit");
  int hour = -1, limit = 50;
  if (hour_text.size() > 2 || !AllDigits(hour_text) || (hour = std::stoi(hour_text)) > 23)
    return Status(errc::kInvalidParameterValue, "hour must be 0-23");
  if (!limit_text.empty()) {
    if (limit_text.size() > 3 || !AllDigits(limit_text))
      return Status(errc::kInvalidParameterValue, "limit must be 1-500");
    limit = std::stoi(limit_text);
  }
  ASSIGN_OR_RETURN(const auto page,
                   c.view.Calls(c.account_id(), action, start + hour * kMicrosPerHour,
                                c.call.Query("cursor"), limit));
  json rows = json::array();
  for (const auto& r : page.calls)
    rows.push_back({{"RequestId", r.request_id},
                    {"At", c.Time(r.at)},
                    {"Source", store::ToString(r.source)},
                    {"Quantity", r.quantity},
                    {"PackId", r.pack_id}});
  return JsonReply(
      200,
      {{"Day", day}, {"Hour", hour}, {"Action", action}, {"Calls", rows}, {"Next", page.next}});
}

}  // namespace kanjian::server::console
