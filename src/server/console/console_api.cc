#include "server/console/console_api.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "billing/rules/money.h"
#include "common/crypto.h"
#include "common/error_codes.h"
#include "common/iso8601.h"
#include "protocol/actions.h"
#include "protocol/envelope.h"
#include "protocol/error_table.h"
#include "server/console/alerts_api.h"
#include "server/console/console_reply.h"

namespace kanjian::server::console {
namespace {

using billing::FormatYuan;
using nlohmann::json;

constexpr char kApiPrefix[] = "/console/api/";
constexpr int kSignInsPerSecond = 2;  // per peer address; a burst of 2 is allowed

HttpResponse Reply(int status, const json& body) {
  return JsonReply(status, body);
}
HttpResponse Fail(const Status& s) {
  return ErrorReply(s, "console");
}

HttpResponse Csv(const std::string& filename, std::string body) {
  HttpResponse res;
  res.content_type = "text/csv; charset=utf-8";
  res.body = std::move(body);
  res.headers.push_back({"Content-Disposition", "attachment; filename=\"" + filename + "\""});
  res.headers.push_back({"Cache-Control", "no-store"});
  return res;
}

json BalanceJson(const billing::Balance& b) {
  return {{"Cash", FormatYuan(b.cash)},
          {"Income", FormatYuan(b.income)},
          {"Gift", FormatYuan(b.gift)},
          {"Total", FormatYuan(b.total())}};
}

// The month asked for (?month=YYYY-MM), this month when absent.
Result<billing::Month> MonthParam(const HttpRequest& req, billing::TenantView& view) {
  const std::string text = QueryParam(req.query, "month");
  if (text.empty()) return view.CurrentMonth();
  auto m = billing::ParseMonth(text);
  if (!m.ok() || text.size() != 7)
    return Status(errc::kInvalidParameterValue, "month must be YYYY-MM");
  return m;
}

// A JSON object body with string fields; InvalidParameter otherwise.
Result<json> JsonBody(const HttpRequest& req) {
  json body = json::parse(req.body, nullptr, false);
  if (body.is_discarded() || !body.is_object())
    return Status(errc::kInvalidParameter, "the body must be a JSON object");
  return body;
}

Result<std::string> StringField(const json& body, const std::string& name, bool required = true) {
  if (!body.contains(name)) {
    if (!required) return std::string();
    return Status(errc::kMissingParameter, name + " is required");
  }
  if (!body[name].is_string())
    return Status(errc::kInvalidParameterValue, name + " must be a string");
  return body[name].get<std::string>();
}

struct Context {
  const HttpRequest& req;
  const Session& session;
  billing::TenantView& view;
  billing::AccountService& accounts;
  billing::AlertService* alerts;
  const std::string& account_id() const { return session.user.account_id; }
  // The billing zone's UTC offset now (the catalog's utc_offset setting):
  // every time the API writes is in it, and the session states it.
  int offset_s;
  std::string Time(UnixMicros t) const { return FormatIso8601(t, offset_s); }
};

HttpResponse Overview(const Context& c) {
  auto account = c.view.Account(c.account_id());
  if (!account.ok()) return Fail(account.status());
  auto cost = c.view.CostThisMonth(c.account_id());
  if (!cost.ok()) return Fail(cost.status());
  json vouchers = json::array();
  for (const auto& v : account->vouchers)
    vouchers.push_back({{"VoucherId", v.id},
                        {"Amount", FormatYuan(v.amount)},
                        {"Remaining", FormatYuan(v.remaining)},
                        {"ExpiresAt", v.expires_at ? json(c.Time(*v.expires_at)) : json(nullptr)}});
  return Reply(200, {{"AccountId", account->account.id},
                     {"Name", account->account.name},
                     {"Status", std::string(ToString(account->status))},
                     {"DisabledReason", account->account.disabled_reason},
                     {"Balance", BalanceJson(account->balance)},
                     {"Vouchers", vouchers},
                     {"Month", cost->month},
                     {"CostSoFar", FormatYuan(cost->so_far)},
                     {"Forecast", FormatYuan(cost->forecast)}});
}

HttpResponse FreePacks(const Context& c) {
  auto month = MonthParam(c.req, c.view);
  if (!month.ok()) return Fail(month.status());
  auto packs = c.view.FreePacks(c.account_id(), *month);
  if (!packs.ok()) return Fail(packs.status());
  json out = json::array();
  for (const auto& p : *packs)
    out.push_back(
        {{"Group", p.group}, {"Actions", p.actions}, {"Quota", p.quota}, {"Used", p.used}});
  return Reply(200, {{"Month", month->ToString()}, {"Packs", out}});
}

// The month's days in the billing time zone, up to today for this month.
Result<std::vector<billing::DailyUsage>> MonthDaily(const Context& c, billing::Month month,
                                                    int* days) {
  const std::string first = month.ToString() + "-01";
  ASSIGN_OR_RETURN(auto start, c.view.DayStart(first));
  ASSIGN_OR_RETURN(auto next, c.view.DayStart(month.Next().ToString() + "-01"));
  *days = static_cast<int>((next - start) / kMicrosPerDay);
  return c.view.Daily(c.account_id(), start, *days);
}

HttpResponse Usage(const Context& c, bool csv) {
  auto month = MonthParam(c.req, c.view);
  if (!month.ok()) return Fail(month.status());
  int days = 0;
  auto daily = MonthDaily(c, *month, &days);
  if (!daily.ok()) return Fail(daily.status());
  if (csv) {
    std::string out = "Day,Action,Free,Pack,Postpaid\r\n";
    for (const auto& d : *daily)
      out += d.day + "," + d.action + "," + std::to_string(d.free) + "," + std::to_string(d.pack) +
             "," + std::to_string(d.postpaid) + "\r\n";
    return Csv("usage-" + month->ToString() + ".csv", std::move(out));
  }
  json rows = json::array();
  for (const auto& d : *daily)
    rows.push_back({{"Day", d.day},
                    {"Action", d.action},
                    {"Free", d.free},
                    {"Pack", d.pack},
                    {"Postpaid", d.postpaid}});
  json actions = json::array();
  for (const auto& a : protocol::AllActions()) actions.push_back(a.name);
  return Reply(
      200, {{"Month", month->ToString()}, {"Days", days}, {"Actions", actions}, {"Rows", rows}});
}

HttpResponse Packs(const Context& c) {
  auto packs = c.view.Packs(c.account_id());
  if (!packs.ok()) return Fail(packs.status());
  auto version = c.view.CatalogNow();
  if (!version.ok()) return Fail(version.status());
  json skus = json::array();
  for (const auto& s : version->packs)
    skus.push_back({{"Action", s.action},
                    {"Calls", s.calls},
                    {"Price", FormatYuan(s.price)},
                    {"ValidityMonths", s.validity_months},
                    {"Refundable", s.refundable}});
  json out = json::array();
  for (const auto& p : *packs) {
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
  return Reply(200, {{"Catalog", version->version},
                     {"RefundWindowDays", version->settings.refund_window_days},
                     {"Skus", skus},
                     {"Packs", out}});
}

HttpResponse BuyPack(const Context& c) {
  auto body = JsonBody(c.req);
  if (!body.ok()) return Fail(body.status());
  auto action = StringField(*body, "Action");
  if (!action.ok()) return Fail(action.status());
  if (!body->contains("Calls") || !(*body)["Calls"].is_number_integer())
    return Fail(Status(errc::kInvalidParameterValue, "Calls must be an integer"));
  auto voucher = StringField(*body, "VoucherId", false);
  if (!voucher.ok()) return Fail(voucher.status());
  auto key = StringField(*body, "IdempotencyKey", false);
  if (!key.ok()) return Fail(key.status());
  auto bought =
      c.view.BuyPack(c.account_id(), *action, (*body)["Calls"].get<int64_t>(), *voucher, *key);
  if (!bought.ok()) return Fail(bought.status());
  return Reply(200, {{"PackId", bought->pack.id},
                     {"Price", FormatYuan(bought->pack.price_fen)},
                     {"Paid",
                      {{"Cash", FormatYuan(bought->paid.cash)},
                       {"Income", FormatYuan(bought->paid.income)},
                       {"Gift", FormatYuan(bought->paid.gift)},
                       {"Voucher", FormatYuan(bought->paid.voucher)}}},
                     {"ExpiresAt", c.Time(bought->pack.expires_at)}});
}

HttpResponse RefundPack(const Context& c) {
  auto body = JsonBody(c.req);
  if (!body.ok()) return Fail(body.status());
  auto pack = StringField(*body, "PackId");
  if (!pack.ok()) return Fail(pack.status());
  auto refunded = c.view.RefundPack(c.account_id(), *pack);
  if (!refunded.ok()) return Fail(refunded.status());
  return Reply(200, {{"Refunded",
                      {{"Cash", FormatYuan(refunded->cash)},
                       {"Income", FormatYuan(refunded->income)},
                       {"Gift", FormatYuan(refunded->gift)}}}});
}

HttpResponse Bill(const Context& c, bool csv) {
  auto month = MonthParam(c.req, c.view);
  if (!month.ok()) return Fail(month.status());
  auto bill = c.view.Bill(c.account_id(), *month);
  if (!bill.ok()) return Fail(bill.status());
  if (csv) {
    std::string out = "Action,Quantity,Tier,UnitPrice,Amount\r\n";
    for (const auto& l : bill->bill.lines)
      out += l.action + "," + std::to_string(l.quantity) + "," + std::to_string(l.tier) + "," +
             billing::FormatPriceE4(l.unit_price_e4) + "," + FormatYuan(l.amount_fen) + "\r\n";
    out += "Total,,,," + FormatYuan(bill->bill.total) + "\r\n";
    return Csv("bill-" + month->ToString() + ".csv", std::move(out));
  }
  json lines = json::array();
  for (const auto& l : bill->bill.lines)
    lines.push_back({{"Action", l.action},
                     {"Quantity", l.quantity},
                     {"Tier", l.tier},
                     {"UnitPrice", billing::FormatPriceE4(l.unit_price_e4)},
                     {"Amount", FormatYuan(l.amount_fen)}});
  const auto& p = bill->paid;
  return Reply(200, {{"Month", bill->bill.month},
                     {"Status", billing::ToString(bill->bill.status)},
                     {"Lines", lines},
                     {"Total", FormatYuan(bill->bill.total)},
                     {"Paid",
                      {{"Cash", FormatYuan(p.cash)},
                       {"Income", FormatYuan(p.income)},
                       {"Gift", FormatYuan(p.gift)},
                       {"Voucher", FormatYuan(p.voucher)}}}});
}

HttpResponse Keys(const Context& c) {
  auto keys = c.accounts.ListKeys(c.account_id());
  if (!keys.ok()) return Fail(keys.status());
  auto last_used = c.accounts.KeysLastUsed(c.account_id());
  if (!last_used.ok()) return Fail(last_used.status());
  json out = json::array();
  for (const auto& k : *keys) {
    const auto used = last_used->find(k.secret_id);
    out.push_back(
        {{"SecretId", k.secret_id},
         {"Status", k.enabled ? "enabled" : "disabled"},
         {"CreatedAt", c.Time(k.created_at)},
         // The first use in the minute of the last use (coarse by design).
         {"LastUsedAt", used == last_used->end() ? json(nullptr) : json(c.Time(used->second))}});
  }
  return Reply(200, {{"Keys", out}});
}

// Key actions on a SecretId of the caller's account only.
HttpResponse KeyAction(const Context& c, const std::string& verb) {
  if (verb == "create") {
    auto key = c.accounts.CreateKey(c.account_id());
    if (!key.ok()) return Fail(key.status());
    return Reply(200, {{"SecretId", key->secret_id}, {"SecretKey", key->secret_key}});
  }
  auto body = JsonBody(c.req);
  if (!body.ok()) return Fail(body.status());
  auto secret_id = StringField(*body, "SecretId");
  if (!secret_id.ok()) return Fail(secret_id.status());
  auto keys = c.accounts.ListKeys(c.account_id());
  if (!keys.ok()) return Fail(keys.status());
  const bool mine = std::any_of(keys->begin(), keys->end(),
                                [&](const store::ApiKey& k) { return k.secret_id == *secret_id; });
  if (!mine) return Fail(Status(errc::kNotFound, "key " + *secret_id + " not found"));
  if (verb == "rotate") {
    auto key = c.accounts.RotateKey(*secret_id);
    if (!key.ok()) return Fail(key.status());
    return Reply(200, {{"SecretId", key->secret_id}, {"SecretKey", key->secret_key}});
  }
  Status s =
      verb == "disable" ? c.accounts.DisableKey(*secret_id) : c.accounts.EnableKey(*secret_id);
  if (!s.ok()) return Fail(s);
  return Reply(200,
               {{"SecretId", *secret_id}, {"Status", verb == "disable" ? "disabled" : "enabled"}});
}

// ---- Notices, spend guard, drill-down. ----

HttpResponse Notices(const Context& c) {
  auto notices = c.view.Notices(c.account_id());
  if (!notices.ok()) return Fail(notices.status());
  // When the alert dispatcher first saw a notice is when it happened.
  if (c.alerts) {
    if (Status s = c.alerts->Stamp(c.account_id(), *notices); !s.ok()) return Fail(s);
  }
  json out = json::array();
  for (const auto& n : *notices)
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
  return Reply(200, {{"Count", out.size()}, {"Notices", out}});
}

HttpResponse SpendGuard(const Context& c) {
  auto g = c.view.SpendGuard(c.account_id());
  if (!g.ok()) return Fail(g.status());
  return Reply(200, {{"Month", g->month},
                     {"Budget", g->budget ? json(FormatYuan(*g->budget)) : json(nullptr)},
                     {"Spent", FormatYuan(g->spent)},
                     {"AlertPercent", g->alert_percent}});
}

// {"Budget":"100.00"} sets the monthly post-paid budget (yuan); null removes it.
HttpResponse SetSpendGuard(const Context& c) {
  auto body = JsonBody(c.req);
  if (!body.ok()) return Fail(body.status());
  if (!body->contains("Budget")) return Fail(Status(errc::kMissingParameter, "Budget is required"));
  std::optional<billing::Fen> budget;
  if (!(*body)["Budget"].is_null()) {
    auto text = StringField(*body, "Budget");
    if (!text.ok()) return Fail(text.status());
    auto fen = billing::ParseYuan(*text);
    if (!fen.ok()) return Fail(fen.status());
    budget = *fen;
  }
  if (Status s = c.view.SetSpendBudget(c.account_id(), budget); !s.ok()) return Fail(s);
  return SpendGuard(c);
}

Result<std::string> ActionParam(const HttpRequest& req) {
  const std::string action = QueryParam(req.query, "action");
  if (!protocol::FindAction(action))
    return Status(errc::kInvalidParameterValue, "action must be one of the API's actions");
  return action;
}

// A bill line's days: the action's calls per day of the month.
HttpResponse DrillDays(const Context& c) {
  auto month = MonthParam(c.req, c.view);
  if (!month.ok()) return Fail(month.status());
  auto action = ActionParam(c.req);
  if (!action.ok()) return Fail(action.status());
  int days = 0;
  auto daily = MonthDaily(c, *month, &days);
  if (!daily.ok()) return Fail(daily.status());
  json rows = json::array();
  for (const auto& d : *daily) {
    if (d.action != *action) continue;
    rows.push_back({{"Day", d.day}, {"Free", d.free}, {"Pack", d.pack}, {"Postpaid", d.postpaid}});
  }
  return Reply(200, {{"Month", month->ToString()}, {"Action", *action}, {"Days", rows}});
}

// A day's 24 local hours (Hour 0-23), or one hour's start with ?hour=.
Result<UnixMicros> DayParam(const Context& c, std::string* day) {
  *day = QueryParam(c.req.query, "day");
  return c.view.DayStart(*day);
}

HttpResponse DrillHours(const Context& c) {
  std::string day;
  auto start = DayParam(c, &day);
  if (!start.ok()) return Fail(start.status());
  auto action = ActionParam(c.req);
  if (!action.ok()) return Fail(action.status());
  auto hours = c.view.Hourly(c.account_id(), *action, *start);
  if (!hours.ok()) return Fail(hours.status());
  json rows = json::array();
  for (size_t i = 0; i < hours->size(); ++i) {
    const auto& u = (*hours)[i];
    rows.push_back({{"Hour", static_cast<int>(i)},
                    {"Start", c.Time(u.hour)},
                    {"Free", u.free},
                    {"Pack", u.pack},
                    {"Postpaid", u.postpaid}});
  }
  return Reply(200, {{"Day", day}, {"Action", *action}, {"Hours", rows}});
}

HttpResponse DrillCalls(const Context& c) {
  std::string day;
  auto start = DayParam(c, &day);
  if (!start.ok()) return Fail(start.status());
  auto action = ActionParam(c.req);
  if (!action.ok()) return Fail(action.status());
  const std::string hour_text = QueryParam(c.req.query, "hour");
  const std::string limit_text = QueryParam(c.req.query, "limit");
  int hour = -1, limit = 50;
  if (hour_text.size() > 2 || !AllDigits(hour_text) || (hour = std::stoi(hour_text)) > 23)
    return Fail(Status(errc::kInvalidParameterValue, "hour must be 0-23"));
  if (!limit_text.empty()) {
    if (limit_text.size() > 3 || !AllDigits(limit_text))
      return Fail(Status(errc::kInvalidParameterValue, "limit must be 1-500"));
    limit = std::stoi(limit_text);
  }
  auto page = c.view.Calls(c.account_id(), *action, *start + hour * kMicrosPerHour,
                           QueryParam(c.req.query, "cursor"), limit);
  if (!page.ok()) return Fail(page.status());
  json rows = json::array();
  for (const auto& r : page->calls)
    rows.push_back({{"RequestId", r.request_id},
                    {"At", c.Time(r.at)},
                    {"Source", store::ToString(r.source)},
                    {"Quantity", r.quantity},
                    {"PackId", r.pack_id}});
  return Reply(
      200,
      {{"Day", day}, {"Hour", hour}, {"Action", *action}, {"Calls", rows}, {"Next", page->next}});
}

std::string SessionCookie(const std::string& value, bool tls, int64_t max_age_s) {
  return std::string(kCookieName) + "=" + value +
         "; Path=/console; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age_s) +
         (tls ? "; Secure" : "");
}

}  // namespace

std::string CookieValue(const std::string& header, const std::string& name) {
  size_t pos = 0;
  while (pos < header.size()) {
    while (pos < header.size() && (header[pos] == ' ' || header[pos] == ';')) ++pos;
    const size_t end = std::min(header.find(';', pos), header.size());
    const std::string pair = header.substr(pos, end - pos);
    if (pair.rfind(name + "=", 0) == 0) return pair.substr(name.size() + 1);
    pos = end + 1;
  }
  return "";
}

HttpResponse ConsoleApi::SignIn(const HttpRequest& req) {
  if (!limiter_.Allow(req.peer_address, "console-sign-in", kSignInsPerSecond))
    return Fail(Status(errc::kRequestLimitExceeded, "too many sign-in attempts; wait a second"));
  auto body = JsonBody(req);
  if (!body.ok()) return Fail(body.status());
  auto login = StringField(*body, "Login");
  if (!login.ok()) return Fail(login.status());
  auto password = StringField(*body, "Password");
  if (!password.ok()) return Fail(password.status());
  auto session = users_.SignIn(*login, *password, req.peer_address);
  if (!session.ok()) return Fail(session.status());
  HttpResponse res = Reply(200, {{"Login", session->user.login},
                                 {"AccountId", session->user.account_id},
                                 {"CsrfToken", session->csrf_token}});
  res.headers.push_back(
      {"Set-Cookie", SessionCookie(session->cookie, req.tls, kSessionMicros / 1'000'000)});
  return res;
}

HttpResponse ConsoleApi::Handle(const HttpRequest& req) {
  const std::string route = req.path.substr(std::string(kApiPrefix).size());
  const bool post = req.method == "POST";
  if (!post && req.method != "GET")
    return Fail(Status(errc::kInvalidParameter, "only GET and POST are supported"));
  if (post) {
    // JSON only: a cross-site HTML form cannot send it without a CORS preflight.
    const std::string type = req.Header("content-type");
    if (type != "application/json" && type.rfind("application/json;", 0) != 0)
      return Fail(Status(errc::kInvalidParameter, "Content-Type must be application/json"));
  }
  if (route == "login") {
    if (!post) return Fail(Status(errc::kInvalidParameter, "sign in with POST"));
    return SignIn(req);
  }

  const std::string cookie = CookieValue(req.Header("cookie"), kCookieName);
  auto session = users_.Check(cookie);
  if (!session.ok()) return Fail(session.status());
  if (post && !crypto::ConstantTimeEquals(req.Header("x-csrf-token"), session->csrf_token))
    return Fail(Status(errc::kCsrfTokenInvalid, "missing or wrong X-CSRF-Token"));

  auto offset_s = view_.OffsetNow();
  if (!offset_s.ok()) return Fail(offset_s.status());
  const Context c{req, *session, view_, accounts_, alerts_, *offset_s};
  const auto time = [&c](UnixMicros t) { return c.Time(t); };
  if (!post) {
    if (route == "session") {
      auto account = view_.Account(session->user.account_id);
      if (!account.ok()) return Fail(account.status());
      return Reply(200, {{"Login", session->user.login},
                         {"AccountId", session->user.account_id},
                         {"AccountName", account->account.name},
                         {"CsrfToken", session->csrf_token},
                         {"ExpiresAt", c.Time(session->expires_at)},
                         {"UtcOffsetSeconds", c.offset_s}});
    }
    if (route == "overview") return Overview(c);
    if (route == "free-packs") return FreePacks(c);
    if (route == "usage") return Usage(c, false);
    if (route == "usage.csv") return Usage(c, true);
    if (route == "packs") return Packs(c);
    if (route == "bill") return Bill(c, false);
    if (route == "bill.csv") return Bill(c, true);
    if (route == "keys") return Keys(c);
    if (route == "notices") return Notices(c);
    if (route == "alerts" && alerts_) return GetAlerts(*alerts_, c.account_id(), time);
    if (route == "spend-guard") return SpendGuard(c);
    if (route == "drill/days") return DrillDays(c);
    if (route == "drill/hours") return DrillHours(c);
    if (route == "drill/calls") return DrillCalls(c);
  } else {
    if (route == "logout") {
      if (Status s = users_.SignOut(cookie); !s.ok()) return Fail(s);
      HttpResponse res = Reply(200, {{"SignedOut", true}});
      res.headers.push_back({"Set-Cookie", SessionCookie("", req.tls, 0)});
      return res;
    }
    if (route == "packs/buy") return BuyPack(c);
    if (route == "packs/refund") return RefundPack(c);
    if (route == "spend-guard") return SetSpendGuard(c);
    if (route == "alerts" && alerts_) return SetAlerts(*alerts_, c.account_id(), req, time);
    for (const char* verb : {"create", "rotate", "disable", "enable"}) {
      if (route == std::string("keys/") + verb) return KeyAction(c, verb);
    }
  }
  return Fail(Status(errc::kNotFound, "no console API " + req.method + " " + req.path));
}

}  // namespace kanjian::server::console
