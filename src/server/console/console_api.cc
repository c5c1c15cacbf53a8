#include "server/console/console_api.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "billing/rules/money.h"
#include "common/error_codes.h"
#include "protocol/actions.h"
#include "protocol/error_table.h"
#include "server/console/alerts_api.h"
#include "server/console/billing_json.h"
#include "server/console/tenant_routes.h"

namespace kanjian::server::console {

using billing::FormatYuan;
using nlohmann::json;

Result<billing::Month> MonthParam(const TenantCall& c) {
  const std::string text = c.call.Query("month");
  if (text.empty()) return c.view.CurrentMonth();
  auto m = billing::ParseMonth(text);
  if (!m.ok() || text.size() != 7)
    return Status(errc::kInvalidParameterValue, "month must be YYYY-MM");
  return m;
}

Result<std::vector<billing::DailyUsage>> MonthDaily(const TenantCall& c, billing::Month month,
                                                    int* days) {
  const std::string first = month.ToString() + "-01";
  ASSIGN_OR_RETURN(auto start, c.view.DayStart(first));
  ASSIGN_OR_RETURN(auto next, c.view.DayStart(month.Next().ToString() + "-01"));
  *days = static_cast<int>((next - start) / kMicrosPerDay);
  return c.view.Daily(c.account_id(), start, *days);
}

namespace {

HttpResponse Csv(const std::string& filename, std::string body) {
  HttpResponse res;
  res.content_type = "text/csv; charset=utf-8";
  res.body = std::move(body);
  res.headers.push_back({"Content-Disposition", "attachment; filename=\"" + filename + "\""});
  res.headers.push_back({"Cache-Control", "no-store"});
  return res;
}

Result<HttpResponse> TenantSessionInfo(const TenantCall& c) {
  const auth::Session& session = c.call.session;
  ASSIGN_OR_RETURN(const auto account, c.view.Account(c.account_id()));
  return JsonReply(200, {{"Login", session.user.login},
                         {"AccountId", session.user.account_id},
                         {"AccountName", account.account.name},
                         {"CsrfToken", session.csrf_token},
                         {"ExpiresAt", c.Time(session.expires_at)},
                         {"UtcOffsetSeconds", c.call.offset_s}});
}

Result<HttpResponse> Overview(const TenantCall& c) {
  ASSIGN_OR_RETURN(const auto account, c.view.Account(c.account_id()));
  ASSIGN_OR_RETURN(const auto cost, c.view.CostThisMonth(c.account_id()));
  json vouchers = json::array();
  const auto time = [&c](UnixMicros t) { return c.Time(t); };
  for (const auto& v : account.vouchers) vouchers.push_back(VoucherJson(v, time));
  return JsonReply(200, {{"AccountId", account.account.id},
                         {"Name", account.account.name},
                         {"Status", std::string(ToString(account.status))},
                         {"DisabledReason", account.account.disabled_reason},
                         {"Balance", BalanceJson(account.balance)},
                         {"Vouchers", vouchers},
                         {"Month", cost.month},
                         {"CostSoFar", FormatYuan(cost.so_far)},
                         {"Forecast", FormatYuan(cost.forecast)}});
}

Result<HttpResponse> FreePacks(const TenantCall& c) {
  ASSIGN_OR_RETURN(const billing::Month month, MonthParam(c));
  ASSIGN_OR_RETURN(const auto packs, c.view.FreePacks(c.account_id(), month));
  json out = json::array();
  for (const auto& p : packs)
    out.push_back(
        {{"Group", p.group}, {"Actions", p.actions}, {"Quota", p.quota}, {"Used", p.used}});
  return JsonReply(200, {{"Month", month.ToString()}, {"Packs", out}});
}

Result<HttpResponse> Usage(const TenantCall& c, bool csv) {
  ASSIGN_OR_RETURN(const billing::Month month, MonthParam(c));
  int days = 0;
  ASSIGN_OR_RETURN(const auto daily, MonthDaily(c, month, &days));
  if (csv) {
    std::string out = "Day,Action,Free,Pack,Postpaid\r\n";
    for (const auto& d : daily)
      out += d.day + "," + d.action + "," + std::to_string(d.free) + "," + std::to_string(d.pack) +
             "," + std::to_string(d.postpaid) + "\r\n";
    return Csv("usage-" + month.ToString() + ".csv", std::move(out));
  }
  json rows = json::array();
  for (const auto& d : daily)
    rows.push_back({{"Day", d.day},
                    {"Action", d.action},
                    {"Free", d.free},
                    {"Pack", d.pack},
                    {"Postpaid", d.postpaid}});
  json actions = json::array();
  for (const auto& a : protocol::AllActions()) actions.push_back(a.name);
  return JsonReply(
      200, {{"Month", month.ToString()}, {"Days", days}, {"Actions", actions}, {"Rows", rows}});
}

Result<HttpResponse> Packs(const TenantCall& c) {
  ASSIGN_OR_RETURN(const auto packs, c.view.Packs(c.account_id()));
  ASSIGN_OR_RETURN(const auto version, c.view.CatalogNow());
  json skus = json::array();
  for (const auto& s : version.packs)
    skus.push_back({{"Action", s.action},
                    {"Calls", s.calls},
                    {"Price", FormatYuan(s.price)},
                    {"ValidityMonths", s.validity_months},
                    {"Refundable", s.refundable}});
  json out = json::array();
  for (const auto& p : packs) {
    out.push_back({{"PackId", p.pack.id},
                   {"Action", p.pack.actions.empty() ? "" : p.pack.actions[0]},
                   {"Kind", store::ToString(p.pack.kind)},
                   {"Calls", p.pack.calls},
                   {"Used", p.pack.used},
                   {"Remaining", p.pack.calls - p.pack.used},
                   {"CreatedAt", c.Time(p.pack.created_at)},
                   {"ExpiresAt", c.Time(p.pack.expires_at)},
                   {"Price", FormatYuan(p.pack.price_fen)},
                   {"Refunded", p.pack.refunded_at.has_value()},
                   {"Refund",
                    {{"Allowed", p.refund.ok()},
                     {"Rule", protocol::WireCode(p.refund.code())},
                     {"Message", p.refund.ok() ? "" : p.refund.message()},
                     {"WindowEnds", c.Time(p.refund_until)}}}});
  }
  return JsonReply(200, {{"Catalog", version.version},
                         {"RefundWindowDays", version.settings.refund_window_days},
                         {"Skus", skus},
                         {"Packs", out}});
}

Result<HttpResponse> BuyPack(const TenantCall& c) {
  const json& body = c.call.body;
  ASSIGN_OR_RETURN(const std::string action, StringField(body, "Action"));
  if (!body.contains("Calls") || !body["Calls"].is_number_integer())
    return Status(errc::kInvalidParameterValue, "Calls must be an integer");
  ASSIGN_OR_RETURN(const std::string voucher, StringField(body, "VoucherId", false));
  ASSIGN_OR_RETURN(const std::string key, StringField(body, "IdempotencyKey", false));
  ASSIGN_OR_RETURN(const auto bought, c.view.BuyPack(c.account_id(), action,
                                                     body["Calls"].get<int64_t>(), voucher, key));
  return JsonReply(200, {{"PackId", bought.pack.id},
                         {"Price", FormatYuan(bought.pack.price_fen)},
                         {"Paid", PaidJson(bought.paid)},
                         {"ExpiresAt", c.Time(bought.pack.expires_at)}});
}

Result<HttpResponse> RefundPack(const TenantCall& c) {
  ASSIGN_OR_RETURN(const std::string pack, StringField(c.call.body, "PackId"));
  ASSIGN_OR_RETURN(const auto refunded, c.view.RefundPack(c.account_id(), pack));
  return JsonReply(200, {{"Refunded", RefundedJson(refunded)}});
}

Result<HttpResponse> Bill(const TenantCall& c, bool csv) {
  ASSIGN_OR_RETURN(const billing::Month month, MonthParam(c));
  ASSIGN_OR_RETURN(const auto bill, c.view.Bill(c.account_id(), month));
  if (csv) {
    std::string out = "Action,Quantity,Tier,UnitPrice,Amount\r\n";
    for (const auto& l : bill.bill.lines)
      out += l.action + "," + std::to_string(l.quantity) + "," + std::to_string(l.tier) + "," +
             billing::FormatPriceE4(l.unit_price_e4) + "," + FormatYuan(l.amount_fen) + "\r\n";
    out += "Total,,,," + FormatYuan(bill.bill.total) + "\r\n";
    return Csv("bill-" + month.ToString() + ".csv", std::move(out));
  }
  return JsonReply(200, {{"Month", bill.bill.month},
                         {"Status", billing::ToString(bill.bill.status)},
                         {"Lines", BillLinesJson(bill.bill.lines)},
                         {"Total", FormatYuan(bill.bill.total)},
                         {"Paid", PaidJson(bill.paid)}});
}

Result<HttpResponse> Keys(const TenantCall& c) {
  ASSIGN_OR_RETURN(const auto keys, c.accounts.ListKeys(c.account_id()));
  ASSIGN_OR_RETURN(const auto last_used, c.accounts.KeysLastUsed(c.account_id()));
  json out = json::array();
  for (const auto& k : keys) {
    const auto used = last_used.find(k.secret_id);
    out.push_back(
        {{"SecretId", k.secret_id},
         {"Status", k.enabled ? "enabled" : "disabled"},
         {"CreatedAt", c.Time(k.created_at)},
         // The first use in the minute of the last use (coarse by design).
         {"LastUsedAt", used == last_used.end() ? json(nullptr) : json(c.Time(used->second))}});
  }
  return JsonReply(200, {{"Keys", out}});
}

Result<HttpResponse> CreateKey(const TenantCall& c) {
  ASSIGN_OR_RETURN(const auto key, c.accounts.CreateKey(c.account_id()));
  return JsonReply(200, {{"SecretId", key.secret_id}, {"SecretKey", key.secret_key}});
}

// Key actions on a SecretId of the caller's account only.
Result<HttpResponse> KeyAction(const TenantCall& c, const std::string& verb) {
  ASSIGN_OR_RETURN(const std::string secret_id, StringField(c.call.body, "SecretId"));
  ASSIGN_OR_RETURN(const auto keys, c.accounts.ListKeys(c.account_id()));
  const bool mine = std::any_of(keys.begin(), keys.end(),
                                [&](const store::ApiKey& k) { return k.secret_id == secret_id; });
  if (!mine) return Status(errc::kNotFound, "key " + secret_id + " not found");
  if (verb == "rotate") {
    ASSIGN_OR_RETURN(const auto key, c.accounts.RotateKey(secret_id));
    return JsonReply(200, {{"SecretId", key.secret_id}, {"SecretKey", key.secret_key}});
  }
  RETURN_IF_ERROR(verb == "disable" ? c.accounts.DisableKey(secret_id)
                                    : c.accounts.EnableKey(secret_id));
  return JsonReply(
      200, {{"SecretId", secret_id}, {"Status", verb == "disable" ? "disabled" : "enabled"}});
}

Result<HttpResponse> Notices(const TenantCall& c) {
  ASSIGN_OR_RETURN(auto notices, c.view.Notices(c.account_id()));
  // When the alert dispatcher first saw a notice is when it happened.
  if (c.alerts) {
    RETURN_IF_ERROR(c.alerts->Stamp(c.account_id(), notices));
  }
  json out = json::array();
  for (const auto& n : notices)
    out.push_back({{"Kind", n.kind},
                   {"Level", n.level},
                   {"At", c.Time(n.at)},
                   {"Subject", n.subject},
                   {"Percent", n.percent},
                   {"Used", n.used},
                   {"Quota", n.quota},
                   {"Amount", FormatYuan(n.amount)},
                   {"Limit", FormatYuan(n.limit)},
                   {"ExpiresAt", n.expires_at ? json(c.Time(n.expires_at)) : json(nullptr)},
                   {"Action", n.action},
                   {"Message", n.message},
                   {"Since", n.since ? json(c.Time(n.since)) : json(nullptr)}});
  return JsonReply(200, {{"Count", out.size()}, {"Notices", out}});
}

Result<HttpResponse> SpendGuard(const TenantCall& c) {
  ASSIGN_OR_RETURN(const auto g, c.view.SpendGuard(c.account_id()));
  return JsonReply(200, {{"Month", g.month},
                         {"Budget", g.budget ? json(FormatYuan(*g.budget)) : json(nullptr)},
                         {"Spent", FormatYuan(g.spent)},
                         {"AlertPercent", g.alert_percent}});
}

// {"Budget":"100.00"} sets the monthly post-paid budget (yuan); null removes it.
Result<HttpResponse> SetSpendGuard(const TenantCall& c) {
  const json& body = c.call.body;
  if (!body.contains("Budget")) return Status(errc::kMissingParameter, "Budget is required");
  std::optional<billing::Fen> budget;
  if (!body["Budget"].is_null()) {
    ASSIGN_OR_RETURN(const std::string text, StringField(body, "Budget"));
    ASSIGN_OR_RETURN(budget, billing::ParseYuan(text));
  }
  RETURN_IF_ERROR(c.view.SetSpendBudget(c.account_id(), budget));
  return SpendGuard(c);
}

GateRealm TenantRealm() {
  return GateRealm{.api_prefix = "/console/api/",
                   .api_name = "console",
                   .log_surface = "console",
                   .cookie_name = kCookieName,
                   .cookie_path = "/console",
                   .sign_in_limit = "console-sign-in",
                   .every_post_has_json_body = false};
}

json TenantSignInBody(const auth::NewSession& session) {
  return {{"Login", session.user.login},
          {"AccountId", session.user.account_id},
          {"CsrfToken", session.csrf_token}};
}

}  // namespace

ConsoleApi::ConsoleApi(auth::ConsoleUsers& users, billing::TenantView& view,
                       billing::AccountService& accounts, const Clock& clock,
                       billing::AlertService* alerts)
    : view_(view),
      accounts_(accounts),
      alerts_(alerts),
      gate_(
          TenantRealm(), users, [&view] { return view.OffsetNow(); }, clock, TenantSignInBody) {
  using Route = std::function<Result<HttpResponse>(const TenantCall&)>;
  const auto tenant = [this](Route route) -> ConsoleHandler {
    return [this, route = std::move(route)](const ConsoleCall& call) {
      return route(TenantCall{call, view_, accounts_, alerts_});
    };
  };
  gate_.Get("session", tenant(TenantSessionInfo));
  gate_.Get("overview", tenant(Overview));
  gate_.Get("free-packs", tenant(FreePacks));
  gate_.Get("usage", tenant([](const TenantCall& c) { return Usage(c, false); }));
  gate_.Get("usage.csv", tenant([](const TenantCall& c) { return Usage(c, true); }));
  gate_.Get("packs", tenant(Packs));
  gate_.Get("bill", tenant([](const TenantCall& c) { return Bill(c, false); }));
  gate_.Get("bill.csv", tenant([](const TenantCall& c) { return Bill(c, true); }));
  gate_.Get("keys", tenant(Keys));
  gate_.Get("notices", tenant(Notices));
  gate_.Get("spend-guard", tenant(SpendGuard));
  gate_.Get("drill/days", tenant(DrillDays));
  gate_.Get("drill/hours", tenant(DrillHours));
  gate_.Get("drill/calls", tenant(DrillCalls));

  gate_.Post("packs/buy", tenant(BuyPack));
  gate_.Post("packs/refund", tenant(RefundPack));
  gate_.Post("spend-guard", tenant(SetSpendGuard));
  gate_.Post("keys/create", tenant(CreateKey), ConsoleGate::Body::kNone);
  for (const char* verb : {"rotate", "disable", "enable"})
    gate_.Post(std::string("keys/") + verb,
               tenant([verb](const TenantCall& c) { return KeyAction(c, verb); }));

  if (alerts_) {
    gate_.Get("alerts", [this](const ConsoleCall& c) {
      return GetAlerts(*alerts_, c.session.user.account_id,
                       [&c](UnixMicros t) { return c.Time(t); });
    });
    gate_.Post("alerts", [this](const ConsoleCall& c) {
      return SetAlerts(*alerts_, c.session.user.account_id, c.body,
                       [&c](UnixMicros t) { return c.Time(t); });
    });
  }
}

}  // namespace kanjian::server::console
