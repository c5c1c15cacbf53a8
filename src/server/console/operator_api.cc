#include "server/console/operator_api.h"

#include <spdlog/spdlog.h>

#include <limits>
#include <nlohmann/json.hpp>
#include <optional>

#include "billing/rules/money.h"
#include "common/crypto.h"
#include "common/error_codes.h"
#include "common/iso8601.h"
#include "server/console/console_api.h"
#include "server/console/console_reply.h"
#include "server/console/operator_metrics.h"

namespace kanjian::server::console {
namespace {

using billing::FormatYuan;
using nlohmann::json;

constexpr int kSignInsPerSecond = 2;  // per peer address, as for tenants
constexpr int64_t kListLimit = 200;   // rows per list page

HttpResponse Reply(int status, const json& body) {
  return JsonReply(status, body);
}
HttpResponse Fail(const Status& s) {
  return ErrorReply(s, "operator console");
}

std::string OutcomeOf(const HttpResponse& res) {
  if (res.status == 200) return "OK";
  json body = json::parse(res.body, nullptr, false);
  return body.is_object() && body.contains("Error") ? body["Error"].value("Code", "")
                                                    : "HTTP " + std::to_string(res.status);
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

std::string Cookie(const std::string& value, bool tls, int64_t max_age_s) {
  return std::string(kOperatorCookieName) + "=" + value +
         "; Path=/console/operator; HttpOnly; SameSite=Strict; Max-Age=" +
         std::to_string(max_age_s) + (tls ? "; Secure" : "");
}

json BalanceJson(const billing::Balance& b) {
  return {{"Cash", FormatYuan(b.cash)},
          {"Income", FormatYuan(b.income)},
          {"Gift", FormatYuan(b.gift)},
          {"Total", FormatYuan(b.total())}};
}

json LinesJson(const std::vector<store::BillLine>& lines) {
  json out = json::array();
  for (const auto& l : lines)
    out.push_back({{"Action", l.action},
                   {"Quantity", l.quantity},
                   {"Tier", l.tier},
                   {"UnitPrice", billing::FormatPriceE4(l.unit_price_e4)},
                   {"Amount", FormatYuan(l.amount_fen)}});
  return out;
}

}  // namespace

struct OperatorApi::Call {
  const HttpRequest& req;
  const Session& session;
  json body;       // POST only
  int offset = 0;  // the billing zone's UTC offset now, set by Handle
  const std::string& login() const { return session.user.login; }
  std::string Time(UnixMicros t) const { return FormatIso8601(t, offset); }
};

HttpResponse OperatorApi::Logged(const std::string& login, const std::string& action,
                                 const std::string& target, const std::string& detail,
                                 HttpResponse answer) {
  const store::OperatorAction entry{0,      clock_.NowMicros(), login, action, target,
                                    detail, OutcomeOf(answer)};
  Status s = store_.Write([&](store::Txn& txn) { return txn.InsertOperatorAction(entry); });
  if (!s.ok())
    return Fail(
        Status(errc::kInternalError, "the operator log could not be written: " + s.ToString()));
  return answer;
}

HttpResponse OperatorApi::SignIn(const HttpRequest& req) {
  if (!limiter_.Allow(req.peer_address, "operator-sign-in", kSignInsPerSecond))
    return Fail(Status(errc::kRequestLimitExceeded, "too many sign-in attempts; wait a second"));
  json body = json::parse(req.body, nullptr, false);
  if (!body.is_object())
    return Fail(Status(errc::kInvalidParameter, "the body must be a JSON object"));
  auto login = StringField(body, "Login");
  if (!login.ok()) return Fail(login.status());
  auto password = StringField(body, "Password");
  if (!password.ok()) return Fail(password.status());
  const std::string who = login->substr(0, 64);
  auto session = operators_.SignIn(*login, *password, req.peer_address);
  if (!session.ok()) return Logged(who, "sign-in", "", "{}", Fail(session.status()));
  HttpResponse res =
      Reply(200, {{"Login", session->user.login}, {"CsrfToken", session->csrf_token}});
  res.headers.push_back(
      {"Set-Cookie", Cookie(session->cookie, req.tls, kSessionMicros / 1'000'000)});
  return Logged(who, "sign-in", "", "{}", std::move(res));
}

HttpResponse OperatorApi::Handle(const HttpRequest& req) {
  const std::string route = req.path.substr(std::string(kOperatorApiPrefix).size());
  const bool post = req.method == "POST";
  if (!post && req.method != "GET")
    return Fail(Status(errc::kInvalidParameter, "only GET and POST are supported"));
  if (post) {
    // JSON only: a cross-site HTML form cannot send it without a CORS preflight.
    const std::string type = req.Header("content-type");
    if (type != "application/json" && type.rfind("application/json;", 0) != 0)
      return Fail(Status(errc::kInvalidParameter, "Content-Type must be application/json"));
  }
  if (route == "login")
    return post ? SignIn(req) : Fail(Status(errc::kInvalidParameter, "sign in with POST"));

  const std::string cookie = CookieValue(req.Header("cookie"), kOperatorCookieName);
  auto session = operators_.Check(cookie);
  if (!session.ok()) return Fail(session.status());
  Call c{req, *session, nullptr};
  auto offset = view_.OffsetNow();
  if (!offset.ok()) return Fail(offset.status());
  c.offset = *offset;
  if (!post) return Get(c, route);
  if (!crypto::ConstantTimeEquals(req.Header("x-csrf-token"), session->csrf_token))
    return Fail(Status(errc::kCsrfTokenInvalid, "missing or wrong X-CSRF-Token"));
  c.body = json::parse(req.body, nullptr, false);
  if (!c.body.is_object())
    return Fail(Status(errc::kInvalidParameter, "the body must be a JSON object"));
  if (route == "logout") {
    if (Status s = operators_.SignOut(cookie); !s.ok()) return Fail(s);
    HttpResponse res = Reply(200, {{"SignedOut", true}});
    res.headers.push_back({"Set-Cookie", Cookie("", req.tls, 0)});
    return Logged(c.login(), "sign-out", "", "{}", std::move(res));
  }
  return Post(c, route);
}

HttpResponse OperatorApi::Get(const Call& c, const std::string& route) {
  if (route == "session")
    return Reply(200, {{"Login", c.login()},
                       {"CsrfToken", c.session.csrf_token},
                       {"ExpiresAt", c.Time(c.session.expires_at)},
                       {"UtcOffsetSeconds", c.offset}});
  if (route == "accounts") {
    // ?status= narrows to one service state (the arrears worklist): every
    // matching account is looked at, the first kListLimit in that state kept.
    const std::string status = QueryParam(c.req.query, "status");
    auto accounts =
        view_.SearchAccounts(QueryParam(c.req.query, "q"),
                             status.empty() ? kListLimit : std::numeric_limits<int64_t>::max());
    if (!accounts.ok()) return Fail(accounts.status());
    std::optional<billing::Month> last_month;
    if (!status.empty()) {
      auto last = view_.LastMonth();
      if (!last.ok()) return Fail(last.status());
      last_month = *last;
    }
    json out = json::array();
    for (const auto& a : *accounts) {
      if (!status.empty() && billing::ToString(a.status) != status) continue;
      if (static_cast<int64_t>(out.size()) >= kListLimit) break;
      billing::Fen vouchers = 0;
      for (const auto& v : a.vouchers) vouchers += v.remaining;
      out.push_back({{"AccountId", a.account.id},
                     {"Name", a.account.name},
                     {"Status", std::string(billing::ToString(a.status))},
                     {"DisabledReason", a.account.disabled_reason},
                     {"Balance", BalanceJson(a.balance)},
                     {"Vouchers", FormatYuan(vouchers)}});
      // The worklist (a status asked for) also shows last month's bill.
      if (!status.empty() && last_month.has_value()) {
        auto bill = billing_.ShowBill(a.account.id, *last_month);
        if (!bill.ok()) return Fail(bill.status());
        out.back()["LastBill"] = {{"Month", bill->month},
                                  {"Total", FormatYuan(bill->total)},
                                  {"Status", billing::ToString(bill->status)}};
      }
    }
    return Reply(200, {{"Accounts", out}});
  }
  if (route == "vouchers") {
    auto vouchers = view_.Vouchers(kListLimit);
    if (!vouchers.ok()) return Fail(vouchers.status());
    json out = json::array();
    for (const auto& v : *vouchers)
      out.push_back({{"VoucherId", v.id},
                     {"AccountId", v.account_id},
                     {"Amount", FormatYuan(v.amount_fen)},
                     {"GrantedAt", c.Time(v.granted_at)},
                     {"ExpiresAt", v.expires_at ? json(c.Time(*v.expires_at)) : json(nullptr)}});
    return Reply(200, {{"Vouchers", out}});
  }
  if (route == "catalog") {
    auto versions = view_.CatalogVersions();
    if (!versions.ok()) return Fail(versions.status());
    auto notices = view_.CatalogNotices(50);
    if (!notices.ok()) return Fail(notices.status());
    json out = json::array(), sent = json::array();
    for (const auto& v : *versions)
      out.push_back({{"Version", v.version},
                     {"EffectiveFrom", c.Time(v.effective_from)},
                     {"PublishedAt", v.published_at ? json(c.Time(v.published_at)) : json(nullptr)},
                     {"InForce", v.in_force}});
    for (const auto& n : *notices)
      sent.push_back({{"At", c.Time(n.at)}, {"Message", n.message}, {"Accounts", n.accounts}});
    // The document in force: the console's editor starts a draft from it.
    auto catalog = billing_.LoadCatalog();
    if (!catalog.ok()) return Fail(catalog.status());
    return Reply(200, {{"Versions", out},
                       {"Notices", sent},
                       {"InForceDocument", catalog->InForceAt(clock_.NowMicros()).document}});
  }
  if (route == "bill-runs") {
    auto months = view_.BillMonths(kListLimit);
    if (!months.ok()) return Fail(months.status());
    auto last = view_.LastMonth();
    if (!last.ok()) return Fail(last.status());
    json out = json::array();
    for (const auto& m : *months)
      out.push_back({{"Month", m.month},
                     {"Bills", m.bills},
                     {"Total", FormatYuan(m.total_fen)},
                     {"FirstAt", c.Time(m.first_at)},
                     {"LastAt", c.Time(m.last_at)}});
    return Reply(200, {{"LastMonth", last->ToString()}, {"Months", out}});
  }
  if (route == "bill-runs/month") {
    // One run: the bills it created and the accounts it took below zero.
    auto month = billing::ParseMonth(QueryParam(c.req.query, "Month"));
    if (!month.ok()) return Fail(month.status());
    auto run = view_.SettlementRunOf(*month, kListLimit);
    if (!run.ok()) return Fail(run.status());
    json bills = json::array(), debtors = json::array();
    for (const auto& b : run->bills)
      bills.push_back({{"AccountId", b.account_id},
                       {"Name", b.name},
                       {"Total", FormatYuan(b.total)},
                       {"CreatedAt", c.Time(b.created_at)}});
    for (const auto& d : run->went_negative)
      debtors.push_back({{"AccountId", d.account_id},
                         {"Name", d.name},
                         {"Before", FormatYuan(d.before)},
                         {"After", FormatYuan(d.after)},
                         {"StatusNow", std::string(billing::ToString(d.status_now))}});
    return Reply(200, {{"Month", run->month},
                       {"BillCount", run->bill_count},
                       {"Total", FormatYuan(run->total)},
                       {"Bills", bills},
                       {"WentNegative", debtors}});
  }
  if (route == "bill") {
    const std::string account = QueryParam(c.req.query, "Account");
    if (account.empty()) return Fail(Status(errc::kMissingParameter, "Account is required"));
    auto month = billing::ParseMonth(QueryParam(c.req.query, "Month"));
    if (!month.ok()) return Fail(month.status());
    auto bill = billing_.ShowBill(account, *month);
    if (!bill.ok()) return Fail(bill.status());
    return Reply(200, {{"AccountId", account},
                       {"Month", bill->month},
                       {"Status", billing::ToString(bill->status)},
                       {"Total", FormatYuan(bill->total)},
                       {"Lines", LinesJson(bill->lines)}});
  }
  if (route == "refunds") {
    auto refunds = view_.Refunds(kListLimit);
    if (!refunds.ok()) return Fail(refunds.status());
    json out = json::array();
    for (const auto& t : *refunds) {
      billing::Fen amount = 0;
      for (const auto& p : t.postings) {
        if (p.owner == t.account_id && p.amount_fen > 0) amount += p.amount_fen;
      }
      out.push_back({{"At", c.Time(t.at)},
                     {"AccountId", t.account_id},
                     {"PackId", t.ref},
                     {"Amount", FormatYuan(amount)},
                     {"Reason", t.reason},
                     {"TxnId", t.id}});
    }
    return Reply(200, {{"Refunds", out}});
  }
  if (route == "audit") {
    auto report = billing_.Audit();
    if (!report.ok()) return Fail(report.status());
    return Reply(200, {{"Ok", report->problems.empty()},
                       {"Problems", report->problems},
                       {"Accounts", report->accounts},
                       {"LedgerTxns", report->ledger_txns},
                       {"Packs", report->packs},
                       {"At", c.Time(clock_.NowMicros())}});
  }
  if (route == "metrics") {
    if (!metrics_) return Fail(Status(errc::kNotFound, "this server keeps no metrics"));
    const MetricsSnapshot m = SummariseMetrics(metrics_->RenderPrometheus());
    return Reply(200, {{"Requests", m.requests},
                       {"ByCode", m.by_code},
                       {"RequestMsSum", m.request_ms_sum},
                       {"RequestCount", m.request_count},
                       {"InferenceMsSum", m.inference_ms_sum},
                       {"InferenceCount", m.inference_count},
                       {"QueueDepth", m.queue_depth}});
  }
  if (route == "log") {
    std::vector<store::OperatorAction> rows;
    Status s = store_.Read([&](store::Txn& txn) -> Status {
      ASSIGN_OR_RETURN(auto list, txn.ListOperatorActions(kListLimit));
      rows = std::move(list);
      return Status::Ok();
    });
    if (!s.ok()) return Fail(s);
    json out = json::array();
    for (const auto& a : rows)
      out.push_back({{"Id", a.id},
                     {"At", c.Time(a.at)},
                     {"Login", a.login},
                     {"Action", a.action},
                     {"Target", a.target},
                     {"Detail", a.detail},
                     {"Outcome", a.outcome}});
    return Reply(200, {{"Actions", out}});
  }
  return Fail(Status(errc::kNotFound, "no operator API GET " + c.req.path));
}

HttpResponse OperatorApi::Post(const Call& c, const std::string& route) {
  const json& body = c.body;
  auto account = StringField(body, "Account", false);
  if (!account.ok()) return Fail(account.status());
  if (route == "accounts/recharge" || route == "vouchers/grant") {
    const bool voucher = route == "vouchers/grant";
    auto amount = StringField(body, "Amount");
    auto key = StringField(body, "IdempotencyKey", false);
    auto extra = StringField(body, voucher ? "ExpiresAt" : "Source", false);
    json detail = {{"Amount", amount.ok() ? *amount : ""},
                   {voucher ? "ExpiresAt" : "Source", extra.ok() ? *extra : ""}};
    auto answer = [&]() -> HttpResponse {
      if (account->empty()) return Fail(Status(errc::kMissingParameter, "Account is required"));
      for (const auto* field : {&amount, &key, &extra}) {
        if (!field->ok()) return Fail(field->status());
      }
      auto fen = billing::ParseYuan(*amount);
      if (!fen.ok()) return Fail(fen.status());
      if (voucher) {
        std::optional<UnixMicros> until;
        if (!extra->empty()) {
          auto t = ParseIso8601(*extra, c.offset);
          if (!t.ok()) return Fail(t.status());
          until = *t;
        }
        auto id = billing_.GrantVoucher(*account, *fen, until, *key);
        return id.ok() ? Reply(200, {{"VoucherId", *id}}) : Fail(id.status());
      }
      auto balance = billing_.Recharge(*account, *fen, extra->empty() ? "cash" : *extra, *key);
      return balance.ok() ? Reply(200, {{"Balance", BalanceJson(*balance)}})
                          : Fail(balance.status());
    }();
    return Logged(c.login(), voucher ? "voucher" : "recharge", *account, detail.dump(),
                  std::move(answer));
  }
  if (route == "accounts/activate") {
    HttpResponse answer = [&]() -> HttpResponse {
      if (account->empty()) return Fail(Status(errc::kMissingParameter, "Account is required"));
      auto activated = accounts_.Activate(*account);
      return activated.ok() ? Reply(200, {{"Status", "active"}}) : Fail(activated.status());
    }();
    return Logged(c.login(), "activate", *account, "{}", std::move(answer));
  }
  if (route == "accounts/disable" || route == "accounts/enable") {
    const bool disable = route == "accounts/disable";
    auto reason = StringField(body, "Reason", disable);
    HttpResponse answer = [&]() -> HttpResponse {
      if (account->empty()) return Fail(Status(errc::kMissingParameter, "Account is required"));
      if (!reason.ok()) return Fail(reason.status());
      Status s = billing_.SetDisabled(*account, disable, disable ? *reason : "");
      return s.ok() ? Reply(200, {{"Status", disable ? "disabled" : "enabled"}}) : Fail(s);
    }();
    return Logged(c.login(), disable ? "disable" : "enable", *account,
                  json{{"Reason", reason.ok() ? *reason : ""}}.dump(), std::move(answer));
  }
  if (route == "catalog/publish") {
    std::string names;
    HttpResponse answer = [&]() -> HttpResponse {
      if (!body.contains("Document") || !body["Document"].is_object())
        return Fail(Status(errc::kMissingParameter, "Document (the catalog JSON) is required"));
      auto parsed = billing::Catalog::ParseDocument(body["Document"]);
      if (parsed.ok()) {
        for (const auto& v : *parsed) names += (names.empty() ? "" : ",") + v.version;
      }
      auto published = billing_.PublishCatalog(body["Document"]);
      return published.ok() ? Reply(200, {{"Published", *published}}) : Fail(published.status());
    }();
    return Logged(c.login(), "publish", names, "{}", std::move(answer));
  }
  if (route == "bill-runs/run") {
    auto month_text = StringField(body, "Month", false);
    HttpResponse answer = [&]() -> HttpResponse {
      if (!month_text.ok()) return Fail(month_text.status());
      auto month = month_text->empty() ? view_.LastMonth() : billing::ParseMonth(*month_text);
      if (!month.ok()) return Fail(month.status());
      auto created = billing_.RunBills(*month);
      if (!created.ok()) return Fail(created.status());
      return Reply(200, {{"Month", month->ToString()}, {"BillsCreated", *created}});
    }();
    return Logged(c.login(), "bill-run", month_text.ok() ? *month_text : "", "{}",
                  std::move(answer));
  }
  if (route == "what-if") {  // read-only: not logged
    if (!body.contains("Draft") || !body["Draft"].is_object())
      return Fail(Status(errc::kMissingParameter, "Draft (a catalog JSON document) is required"));
    auto month_text = StringField(body, "Month", false);
    if (!month_text.ok()) return Fail(month_text.status());
    auto month = month_text->empty() ? view_.LastMonth() : billing::ParseMonth(*month_text);
    if (!month.ok()) return Fail(month.status());
    auto report = view_.WhatIf(*month, body["Draft"], kListLimit);
    if (!report.ok()) return Fail(report.status());
    json accounts = json::array();
    for (const auto& a : report->accounts)
      accounts.push_back({{"AccountId", a.account_id},
                          {"Name", a.name},
                          {"OldTotal", FormatYuan(a.old_total)},
                          {"NewTotal", FormatYuan(a.new_total)},
                          {"Change", FormatYuan(a.new_total - a.old_total)},
                          {"OldLines", LinesJson(a.old_lines)},
                          {"NewLines", LinesJson(a.new_lines)}});
    return Reply(200, {{"Month", report->month},
                       {"DraftVersion", report->draft_version},
                       {"CurrentVersion", report->current_version},
                       {"Accounts", accounts},
                       {"AccountsWithCalls", report->accounts_with_calls},
                       {"AccountsChanged", report->accounts_changed},
                       {"OldTotal", FormatYuan(report->old_total)},
                       {"NewTotal", FormatYuan(report->new_total)}});
  }
  return Fail(Status(errc::kNotFound, "no operator API POST " + c.req.path));
}

}  // namespace kanjian::server::console
