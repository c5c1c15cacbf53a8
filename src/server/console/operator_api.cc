#include "server/console/operator_api.h"

#include <limits>
#include <nlohmann/json.hpp>
#include <optional>

#include "billing/rules/money.h"
#include "common/error_codes.h"
#include "common/iso8601.h"
#include "server/console/billing_json.h"
#include "server/console/operator_metrics.h"

namespace kanjian::server::console {
namespace {

using billing::FormatYuan;
using nlohmann::json;

constexpr int64_t kListLimit = 200;  // rows per list page

std::string OutcomeOf(const HttpResponse& res) {
  if (res.status == 200) return "OK";
  json body = json::parse(res.body, nullptr, false);
  return body.is_object() && body.contains("Error") ? body["Error"].value("Code", "")
                                                    : "HTTP " + std::to_string(res.status);
}

GateRealm OperatorRealm() {
  return GateRealm{.api_prefix = kOperatorApiPrefix,
                   .api_name = "operator",
                   .log_surface = "operator console",
                   .cookie_name = kOperatorCookieName,
                   .cookie_path = "/console/operator",
                   .sign_in_limit = "operator-sign-in",
                   .every_post_has_json_body = true};
}

json OperatorSignInBody(const auth::NewSession& session) {
  return {{"Login", session.user.login}, {"CsrfToken", session.csrf_token}};
}

Result<HttpResponse> OperatorSessionInfo(const ConsoleCall& c) {
  return JsonReply(200, {{"Login", c.session.user.login},
                         {"CsrfToken", c.session.csrf_token},
                         {"ExpiresAt", c.Time(c.session.expires_at)},
                         {"UtcOffsetSeconds", c.offset_s}});
}

}  // namespace

OperatorApi::OperatorApi(auth::ConsoleUsers& operators, billing::BillingService& billing,
                         billing::AccountService& accounts, billing::OperatorView& view,
                         store::Store& store, const ServerMetrics* metrics, const Clock& clock)
    : billing_(billing),
      accounts_(accounts),
      view_(view),
      store_(store),
      metrics_(metrics),
      clock_(clock),
      gate_(
          OperatorRealm(), operators, [&view] { return view.OffsetNow(); }, clock,
          OperatorSignInBody,
          [this](const std::string& login, const std::string& action, HttpResponse answer) {
            return Logged(login, action, "", "{}", std::move(answer));
          }) {
  using Route = Result<HttpResponse> (OperatorApi::*)(const ConsoleCall&);
  const auto get = [this](const std::string& name, Route route) {
    gate_.Get(name, [this, route](const ConsoleCall& c) { return (this->*route)(c); });
  };
  gate_.Get("session", OperatorSessionInfo);
  get("accounts", &OperatorApi::Accounts);
  get("vouchers", &OperatorApi::Vouchers);
  get("catalog", &OperatorApi::Catalog);
  get("bill-runs", &OperatorApi::BillRuns);
  get("bill-runs/month", &OperatorApi::BillRun);
  get("bill", &OperatorApi::Bill);
  get("refunds", &OperatorApi::Refunds);
  get("audit", &OperatorApi::Audit);
  get("metrics", &OperatorApi::Metrics);
  get("log", &OperatorApi::Log);

  // Every POST route first reads the body's Account, when it has one.
  using PostRoute = std::function<Result<HttpResponse>(const ConsoleCall&, const std::string&)>;
  const auto post = [this](const std::string& name, PostRoute route) {
    gate_.Post(name, [route = std::move(route)](const ConsoleCall& c) -> Result<HttpResponse> {
      ASSIGN_OR_RETURN(const std::string account, StringField(c.body, "Account", false));
      return route(c, account);
    });
  };
  post("accounts/recharge",
       [this](const ConsoleCall& c, const std::string& a) { return Fund(c, a, false); });
  post("vouchers/grant",
       [this](const ConsoleCall& c, const std::string& a) { return Fund(c, a, true); });
  post("accounts/activate",
       [this](const ConsoleCall& c, const std::string& a) { return Activate(c, a); });
  post("accounts/disable",
       [this](const ConsoleCall& c, const std::string& a) { return SetDisabled(c, a, true); });
  post("accounts/enable",
       [this](const ConsoleCall& c, const std::string& a) { return SetDisabled(c, a, false); });
  post("catalog/publish", [this](const ConsoleCall& c, const std::string&) { return Publish(c); });
  post("bill-runs/run", [this](const ConsoleCall& c, const std::string&) { return RunBills(c); });
  post("what-if", [this](const ConsoleCall& c, const std::string&) { return WhatIf(c); });
}

HttpResponse OperatorApi::Logged(const std::string& login, const std::string& action,
                                 const std::string& target, const std::string& detail,
                                 HttpResponse answer) {
  const store::OperatorAction entry{0,      clock_.NowMicros(), login, action, target,
                                    detail, OutcomeOf(answer)};
  Status s = store_.Write([&](store::Txn& txn) { return txn.InsertOperatorAction(entry); });
  if (!s.ok())
    return gate_.Fail(
        Status(errc::kInternalError, "the operator log could not be written: " + s.ToString()));
  return answer;
}

// ?status= narrows to one service state (the arrears worklist): every
// matching account is looked at, the first kListLimit in that state kept.
Result<HttpResponse> OperatorApi::Accounts(const ConsoleCall& c) {
  const std::string status = c.Query("status");
  ASSIGN_OR_RETURN(
      const auto accounts,
      view_.SearchAccounts(c.Query("q"),
                           status.empty() ? kListLimit : std::numeric_limits<int64_t>::max()));
  std::optional<billing::Month> last_month;
  if (!status.empty()) {
    ASSIGN_OR_RETURN(last_month, view_.LastMonth());
  }
  json out = json::array();
  for (const auto& a : accounts) {
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
      ASSIGN_OR_RETURN(const auto bill, billing_.ShowBill(a.account.id, *last_month));
      out.back()["LastBill"] = {{"Month", bill.month},
                                {"Total", FormatYuan(bill.total)},
                                {"Status", billing::ToString(bill.status)}};
    }
  }
  return JsonReply(200, {{"Accounts", out}});
}

Result<HttpResponse> OperatorApi::Vouchers(const ConsoleCall& c) {
  ASSIGN_OR_RETURN(const auto vouchers, view_.Vouchers(kListLimit));
  json out = json::array();
  for (const auto& v : vouchers)
    out.push_back({{"VoucherId", v.id},
                   {"AccountId", v.account_id},
                   {"Amount", FormatYuan(v.amount_fen)},
                   {"GrantedAt", c.Time(v.granted_at)},
                   {"ExpiresAt", v.expires_at ? json(c.Time(*v.expires_at)) : json(nullptr)}});
  return JsonReply(200, {{"Vouchers", out}});
}

Result<HttpResponse> OperatorApi::Catalog(const ConsoleCall& c) {
  ASSIGN_OR_RETURN(const auto versions, view_.CatalogVersions());
  ASSIGN_OR_RETURN(const auto notices, view_.CatalogNotices(50));
  json out = json::array(), sent = json::array();
  for (const auto& v : versions)
    out.push_back({{"Version", v.version},
                   {"EffectiveFrom", c.Time(v.effective_from)},
                   {"PublishedAt", v.published_at ? json(c.Time(v.published_at)) : json(nullptr)},
                   {"InForce", v.in_force}});
  for (const auto& n : notices)
    sent.push_back({{"At", c.Time(n.at)}, {"Message", n.message}, {"Accounts", n.accounts}});
  // The document in force: the console's editor starts a draft from it.
  ASSIGN_OR_RETURN(const auto catalog, billing_.LoadCatalog());
  return JsonReply(200, {{"Versions", out},
                         {"Notices", sent},
                         {"InForceDocument", catalog.InForceAt(clock_.NowMicros()).document}});
}

Result<HttpResponse> OperatorApi::BillRuns(const ConsoleCall& c) {
  ASSIGN_OR_RETURN(const auto months, view_.BillMonths(kListLimit));
  ASSIGN_OR_RETURN(const billing::Month last, view_.LastMonth());
  json out = json::array();
  for (const auto& m : months)
    out.push_back({{"Month", m.month},
                   {"Bills", m.bills},
                   {"Total", FormatYuan(m.total_fen)},
                   {"FirstAt", c.Time(m.first_at)},
                   {"LastAt", c.Time(m.last_at)}});
  return JsonReply(200, {{"LastMonth", last.ToString()}, {"Months", out}});
}

// One run: the bills it created and the accounts it took below zero.
Result<HttpResponse> OperatorApi::BillRun(const ConsoleCall& c) {
  ASSIGN_OR_RETURN(const billing::Month month, billing::ParseMonth(c.Query("Month")));
  ASSIGN_OR_RETURN(const auto run, view_.SettlementRunOf(month, kListLimit));
  json bills = json::array(), debtors = json::array();
  for (const auto& b : run.bills)
    bills.push_back({{"AccountId", b.account_id},
                     {"Name", b.name},
                     {"Total", FormatYuan(b.total)},
                     {"CreatedAt", c.Time(b.created_at)}});
  for (const auto& d : run.went_negative)
    debtors.push_back({{"AccountId", d.account_id},
                       {"Name", d.name},
                       {"Before", FormatYuan(d.before)},
                       {"After", FormatYuan(d.after)},
                       {"StatusNow", std::string(billing::ToString(d.status_now))}});
  return JsonReply(200, {{"Month", run.month},
                         {"BillCount", run.bill_count},
                         {"Total", FormatYuan(run.total)},
                         {"Bills", bills},
                         {"WentNegative", debtors}});
}

Result<HttpResponse> OperatorApi::Bill(const ConsoleCall& c) {
  const std::string account = c.Query("Account");
  if (account.empty()) return Status(errc::kMissingParameter, "Account is required");
  ASSIGN_OR_RETURN(const billing::Month month, billing::ParseMonth(c.Query("Month")));
  ASSIGN_OR_RETURN(const auto bill, billing_.ShowBill(account, month));
  return JsonReply(200, {{"AccountId", account},
                         {"Month", bill.month},
                         {"Status", billing::ToString(bill.status)},
                         {"Total", FormatYuan(bill.total)},
                         {"Lines", BillLinesJson(bill.lines)}});
}

Result<HttpResponse> OperatorApi::Refunds(const ConsoleCall& c) {
  ASSIGN_OR_RETURN(const auto refunds, view_.Refunds(kListLimit));
  json out = json::array();
  for (const auto& t : refunds) {
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
  return JsonReply(200, {{"Refunds", out}});
}

Result<HttpResponse> OperatorApi::Audit(const ConsoleCall& c) {
  ASSIGN_OR_RETURN(const auto report, billing_.Audit());
  return JsonReply(200, {{"Ok", report.problems.empty()},
                         {"Problems", report.problems},
                         {"Accounts", report.accounts},
                         {"LedgerTxns", report.ledger_txns},
                         {"Packs", report.packs},
                         {"At", c.Time(clock_.NowMicros())}});
}

Result<HttpResponse> OperatorApi::Metrics(const ConsoleCall&) {
  if (!metrics_) return Status(errc::kNotFound, "this server keeps no metrics");
  const MetricsSnapshot m = SummariseMetrics(metrics_->RenderPrometheus());
  return JsonReply(200, {{"Requests", m.requests},
                         {"ByCode", m.by_code},
                         {"RequestMsSum", m.request_ms_sum},
                         {"RequestCount", m.request_count},
                         {"InferenceMsSum", m.inference_ms_sum},
                         {"InferenceCount", m.inference_count},
                         {"QueueDepth", m.queue_depth}});
}

Result<HttpResponse> OperatorApi::Log(const ConsoleCall& c) {
  std::vector<store::OperatorAction> rows;
  RETURN_IF_ERROR(store_.Read([&](store::Txn& txn) -> Status {
    ASSIGN_OR_RETURN(rows, txn.ListOperatorActions(kListLimit));
    return Status::Ok();
  }));
  json out = json::array();
  for (const auto& a : rows)
    out.push_back({{"Id", a.id},
                   {"At", c.Time(a.at)},
                   {"Login", a.login},
                   {"Action", a.action},
                   {"Target", a.target},
                   {"Detail", a.detail},
                   {"Outcome", a.outcome}});
  return JsonReply(200, {{"Actions", out}});
}

// Recharge ({"Account","Amount","Source","IdempotencyKey"}) or a voucher
// grant ({"Account","Amount","ExpiresAt","IdempotencyKey"}), logged either way.
HttpResponse OperatorApi::Fund(const ConsoleCall& c, const std::string& account, bool voucher) {
  const json& body = c.body;
  auto amount = StringField(body, "Amount");
  auto key = StringField(body, "IdempotencyKey", false);
  auto extra = StringField(body, voucher ? "ExpiresAt" : "Source", false);
  json detail = {{"Amount", amount.ok() ? *amount : ""},
                 {voucher ? "ExpiresAt" : "Source", extra.ok() ? *extra : ""}};
  auto answer = [&]() -> Result<HttpResponse> {
    if (account.empty()) return Status(errc::kMissingParameter, "Account is required");
    for (const auto* field : {&amount, &key, &extra}) {
      RETURN_IF_ERROR(*field);
    }
    ASSIGN_OR_RETURN(const billing::Fen fen, billing::ParseYuan(*amount));
    if (voucher) {
      std::optional<UnixMicros> until;
      if (!extra->empty()) {
        ASSIGN_OR_RETURN(until, ParseIso8601(*extra, c.offset_s));
      }
      ASSIGN_OR_RETURN(const std::string id, billing_.GrantVoucher(account, fen, until, *key));
      return JsonReply(200, {{"VoucherId", id}});
    }
    ASSIGN_OR_RETURN(const auto balance,
                     billing_.Recharge(account, fen, extra->empty() ? "cash" : *extra, *key));
    return JsonReply(200, {{"Balance", BalanceJson(balance)}});
  }();
  return Logged(c.session.user.login, voucher ? "voucher" : "recharge", account, detail.dump(),
                answer.ok() ? std::move(answer).value() : gate_.Fail(answer.status()));
}

HttpResponse OperatorApi::Activate(const ConsoleCall& c, const std::string& account) {
  HttpResponse answer = [&]() -> HttpResponse {
    if (account.empty()) return gate_.Fail(Status(errc::kMissingParameter, "Account is required"));
    auto activated = accounts_.Activate(account);
    return activated.ok() ? JsonReply(200, {{"Status", "active"}}) : gate_.Fail(activated.status());
  }();
  return Logged(c.session.user.login, "activate", account, "{}", std::move(answer));
}

HttpResponse OperatorApi::SetDisabled(const ConsoleCall& c, const std::string& account,
                                      bool disable) {
  auto reason = StringField(c.body, "Reason", disable);
  HttpResponse answer = [&]() -> HttpResponse {
    if (account.empty()) return gate_.Fail(Status(errc::kMissingParameter, "Account is required"));
    if (!reason.ok()) return gate_.Fail(reason.status());
    Status s = billing_.SetDisabled(account, disable, disable ? *reason : "");
    return s.ok() ? JsonReply(200, {{"Status", disable ? "disabled" : "enabled"}}) : gate_.Fail(s);
  }();
  return Logged(c.session.user.login, disable ? "disable" : "enable", account,
                json{{"Reason", reason.ok() ? *reason : ""}}.dump(), std::move(answer));
}

HttpResponse OperatorApi::Publish(const ConsoleCall& c) {
  const json& body = c.body;
  std::string names;
  HttpResponse answer = [&]() -> HttpResponse {
    if (!body.contains("Document") || !body["Document"].is_object())
      return gate_.Fail(Status(errc::kMissingParameter, "Document (the catalog JSON) is required"));
    auto parsed = billing::Catalog::ParseDocument(body["Document"]);
    if (parsed.ok()) {
      for (const auto& v : *parsed) names += (names.empty() ? "" : ",") + v.version;
    }
    auto published = billing_.PublishCatalog(body["Document"]);
    return published.ok() ? JsonReply(200, {{"Published", *published}})
                          : gate_.Fail(published.status());
  }();
  return Logged(c.session.user.login, "publish", names, "{}", std::move(answer));
}

HttpResponse OperatorApi::RunBills(const ConsoleCall& c) {
  auto month_text = StringField(c.body, "Month", false);
  HttpResponse answer = [&]() -> HttpResponse {
    if (!month_text.ok()) return gate_.Fail(month_text.status());
    auto month = month_text->empty() ? view_.LastMonth() : billing::ParseMonth(*month_text);
    if (!month.ok()) return gate_.Fail(month.status());
    auto created = billing_.RunBills(*month);
    if (!created.ok()) return gate_.Fail(created.status());
    return JsonReply(200, {{"Month", month->ToString()}, {"BillsCreated", *created}});
  }();
  return Logged(c.session.user.login, "bill-run", month_text.ok() ? *month_text : "", "{}",
                std::move(answer));
}

// Read-only (POST for its uploaded draft): not logged.
Result<HttpResponse> OperatorApi::WhatIf(const ConsoleCall& c) {
  const json& body = c.body;
  if (!body.contains("Draft") || !body["Draft"].is_object())
    return Status(errc::kMissingParameter, "Draft (a catalog JSON document) is required");
  ASSIGN_OR_RETURN(const std::string month_text, StringField(body, "Month", false));
  ASSIGN_OR_RETURN(const billing::Month month,
                   month_text.empty() ? view_.LastMonth() : billing::ParseMonth(month_text));
  ASSIGN_OR_RETURN(const auto report, view_.WhatIf(month, body["Draft"], kListLimit));
  json accounts = json::array();
  for (const auto& a : report.accounts)
    accounts.push_back({{"AccountId", a.account_id},
                        {"Name", a.name},
                        {"OldTotal", FormatYuan(a.old_total)},
                        {"NewTotal", FormatYuan(a.new_total)},
                        {"Change", FormatYuan(a.new_total - a.old_total)},
                        {"OldLines", BillLinesJson(a.old_lines)},
                        {"NewLines", BillLinesJson(a.new_lines)}});
  return JsonReply(200, {{"Month", report.month},
                         {"DraftVersion", report.draft_version},
                         {"CurrentVersion", report.current_version},
                         {"Accounts", accounts},
                         {"AccountsWithCalls", report.accounts_with_calls},
                         {"AccountsChanged", report.accounts_changed},
                         {"OldTotal", FormatYuan(report.old_total)},
                         {"NewTotal", FormatYuan(report.new_total)}});
}

}  // namespace kanjian::server::console
