// The tenant console's alerts API (docs/tenants/alerts.md), behind
// ConsoleApi's gate (session, CSRF on POST, JSON body):
//   GET  /console/api/alerts  the subscription (with its webhook secret),
//                             the kinds one may ask for, the last deliveries
//   POST /console/api/alerts  {"Email","WebhookUrl","Kinds":[…],"Language",
//                             "NewSecret":bool} sets it (both empty: removes
//                             it); answers as GET
#pragma once

#include <functional>
#include <string>

#include "billing/alerts/alert_service.h"
#include "server/http/http_types.h"

namespace kanjian::server::console {

// How many deliveries the console shows.
inline constexpr int64_t kDeliveriesShown = 50;

// `time` formats an instant for the tenant.
HttpResponse GetAlerts(billing::AlertService& alerts, const std::string& account_id,
                       const std::function<std::string(UnixMicros)>& time);
HttpResponse SetAlerts(billing::AlertService& alerts, const std::string& account_id,
                       const HttpRequest& req, const std::function<std::string(UnixMicros)>& time);

}  // namespace kanjian::server::console
