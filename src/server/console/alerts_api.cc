#include "server/console/alerts_api.h"

#include <nlohmann/json.hpp>

#include "common/error_codes.h"
#include "server/console/console_reply.h"

namespace kanjian::server::console {
namespace {

using nlohmann::json;

json DeliveryJson(const store::AlertDelivery& d,
                  const std::function<std::string(UnixMicros)>& time) {
  json log = json::array();
  json stored = json::parse(d.log, nullptr, false);
  if (stored.is_array()) {
    for (const json& a : stored) {
      const bool retry = a.contains("NextAt") && a["NextAt"].is_number_integer();
      log.push_back({{"At", time(a.value("At", int64_t{0}))},
                     {"Result", a.value("Result", std::string())},
                     {"NextAt", retry ? json(time(a["NextAt"].get<int64_t>())) : json(nullptr)}});
    }
  }
  return {{"Id", d.id},
          {"CreatedAt", time(d.created_at)},
          {"Kind", d.kind},
          {"NoticeKey", d.notice_key},
          {"Channel", d.channel},
          {"Target", d.target},
          {"Status", d.status},
          {"Attempts", d.attempts},
          {"LastAttemptAt", d.attempts > 0 ? json(time(d.last_attempt_at)) : json(nullptr)},
          {"NextAttemptAt", d.status == "pending" ? json(time(d.next_attempt_at)) : json(nullptr)},
          {"Log", log}};
}

}  // namespace

Result<HttpResponse> GetAlerts(billing::AlertService& alerts, const std::string& account_id,
                               const std::function<std::string(UnixMicros)>& time) {
  ASSIGN_OR_RETURN(const auto sub, alerts.Subscription(account_id));
  ASSIGN_OR_RETURN(const auto deliveries, alerts.Deliveries(account_id, kDeliveriesShown));
  json kinds = json::array();
  for (std::string_view k : billing::kAlertKinds) kinds.push_back(k);
  json subscription = nullptr;
  if (sub) {
    const store::AlertSubscription& s = *sub;
    subscription = {{"Email", s.email},       {"WebhookUrl", s.webhook_url},
                    {"Secret", s.secret},     {"Kinds", s.kinds},
                    {"Language", s.language}, {"UpdatedAt", time(s.updated_at)}};
  }
  json log = json::array();
  for (const auto& d : deliveries) log.push_back(DeliveryJson(d, time));
  return JsonReply(200, {{"Subscription", subscription}, {"Kinds", kinds}, {"Deliveries", log}});
}

Result<HttpResponse> SetAlerts(billing::AlertService& alerts, const std::string& account_id,
                               const json& body,
                               const std::function<std::string(UnixMicros)>& time) {
  billing::AlertRequest r;
  for (auto [name, out] : {std::pair{"Email", &r.email}, std::pair{"WebhookUrl", &r.webhook_url},
                           std::pair{"Language", &r.language}}) {
    if (!body.contains(name)) continue;
    if (!body[name].is_string())
      return Status(errc::kInvalidParameterValue, std::string(name) + " must be a string");
    *out = body[name].get<std::string>();
  }
  if (body.contains("Kinds")) {
    if (!body["Kinds"].is_array())
      return Status(errc::kInvalidParameterValue, "Kinds must be an array of strings");
    for (const json& k : body["Kinds"]) {
      if (!k.is_string())
        return Status(errc::kInvalidParameterValue, "Kinds must be an array of strings");
      r.kinds.push_back(k.get<std::string>());
    }
  }
  if (body.contains("NewSecret")) {
    if (!body["NewSecret"].is_boolean())
      return Status(errc::kInvalidParameterValue, "NewSecret must be true or false");
    r.new_secret = body["NewSecret"].get<bool>();
  }
  RETURN_IF_ERROR(alerts.Subscribe(account_id, r));
  return GetAlerts(alerts, account_id, time);
}

}  // namespace kanjian::server::console
