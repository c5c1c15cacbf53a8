// The operator console's JSON API under /console/operator/api/. Operators
// sign in with their own logins (`kanjian operator add`), through the same
// session rules as tenants (auth/console_users.h, Realm::kOperator) but another table,
// cookie (kanjian_operator, Path=/console/operator) and session: a tenant's
// session never opens it, an operator's never opens the tenant API.
//
// Thin like the tenant API, behind the same gate (console_gate.h): every figure and every rule
// comes from the billing engine (BillingService, OperatorView); recharge, disable, voucher, catalog
// publish and bill run are the calls the CLI makes. Each state-changing request (sign-in and
// sign-out included) is written to the operator log, success or refusal: who, what, on what, when,
// outcome.
//
//   GET  session | accounts?q=&status= | vouchers | catalog | bill-runs |
//        refunds | audit | metrics | log
//   POST login | logout | accounts/recharge | accounts/activate |
//        accounts/disable | accounts/enable | vouchers/grant |
//        catalog/publish | bill-runs/run |
//        what-if (read-only, POST for its uploaded draft)
// Every POST needs Content-Type application/json and X-CSRF-Token. Errors:
// {"Error":{"Code","Message"}}, HTTP 400/401/403/404/429/500 as for tenants.
#pragma once

#include <string>

#include "auth/console_users.h"
#include "billing/accounts.h"
#include "billing/billing.h"
#include "billing/views/operator_view.h"
#include "server/console/console_gate.h"
#include "server/http/http_types.h"
#include "server/server_metrics.h"

namespace kanjian::server::console {

inline constexpr char kOperatorApiPrefix[] = "/console/operator/api/";
inline constexpr char kOperatorCookieName[] = "kanjian_operator";

class OperatorApi {
 public:
  // `metrics` may be null (no live metrics then).
  OperatorApi(auth::ConsoleUsers& operators, billing::BillingService& billing,
              billing::AccountService& accounts, billing::OperatorView& view, store::Store& store,
              const ServerMetrics* metrics, const Clock& clock);
  OperatorApi(const OperatorApi&) = delete;  // the gate's routes hold `this`
  OperatorApi& operator=(const OperatorApi&) = delete;

  HttpResponse Handle(const HttpRequest& request) { return gate_.Handle(request); }

 private:
  // GET routes.
  Result<HttpResponse> Accounts(const ConsoleCall& c);
  Result<HttpResponse> Vouchers(const ConsoleCall& c);
  Result<HttpResponse> Catalog(const ConsoleCall& c);
  Result<HttpResponse> BillRuns(const ConsoleCall& c);
  Result<HttpResponse> BillRun(const ConsoleCall& c);
  Result<HttpResponse> Bill(const ConsoleCall& c);
  Result<HttpResponse> Refunds(const ConsoleCall& c);
  Result<HttpResponse> Audit(const ConsoleCall& c);
  Result<HttpResponse> Metrics(const ConsoleCall& c);
  Result<HttpResponse> Log(const ConsoleCall& c);
  // POST routes; `account` is the body's Account ("" when absent).
  HttpResponse Fund(const ConsoleCall& c, const std::string& account, bool voucher);
  HttpResponse Activate(const ConsoleCall& c, const std::string& account);
  HttpResponse SetDisabled(const ConsoleCall& c, const std::string& account, bool disable);
  HttpResponse Publish(const ConsoleCall& c);
  HttpResponse RunBills(const ConsoleCall& c);
  Result<HttpResponse> WhatIf(const ConsoleCall& c);
  // Appends to the operator log; the answer says so if that fails.
  HttpResponse Logged(const std::string& login, const std::string& action,
                      const std::string& target, const std::string& detail, HttpResponse answer);

  billing::BillingService& billing_;
  billing::AccountService& accounts_;  // activation
  billing::OperatorView& view_;
  store::Store& store_;
  const ServerMetrics* metrics_;
  const Clock& clock_;
  ConsoleGate gate_;
};

}  // namespace kanjian::server::console
