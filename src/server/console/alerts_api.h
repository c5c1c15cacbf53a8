// The tenant console's alerts API (docs/tenants/alerts.md), behind the
// tenant console's gate (console_gate.h: session, CSRF on POST, JSON body):
//   GET  /console/api/alerts  the subscription (with its webhook secret),
//                             the kinds one may ask for, the last deliveries
//   POST /console/api/alerts  {"Email","WebhookUrl","Kinds":[…],"Language",
//                             "NewSecret":bool} sets it (both empty: removes
//                             it); answers as GET
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "billing/alerts/alert_service.h"
#include "server/http/http_types.h"

namespace kanjian::server::console {

// How many deliveries the console shows.
inline constexpr int64_t kDeliveriesShown = 50;

// `time` formats an instant for the tenant; `body` is the POST's JSON object.
Result<HttpResponse> GetAlerts(billing::AlertService& alerts, const std::string& account_id,
                               const std::function<std::string(UnixMicros)>& time);
Result<HttpResponse> SetAlerts(billing::AlertService& alerts, const std::string& account_id,
                               const nlohmann::json& body,
                               const std::function<std::string(UnixMicros)>& time);

}  // namespace kanjian::server::console
