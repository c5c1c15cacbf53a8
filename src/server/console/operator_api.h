// The operator console's JSON API under /console/operator/api/. Operators
// sign in with their own logins (`kanjian operator add`), through the same
// session rules as tenants (users.h, Realm::kOperator) but another table,
// cookie (kanjian_operator, Path=/console/operator) and session: a tenant's
// session never opens it, an operator's never opens the tenant API.
//
// Thin like the tenant API: every figure and every rule comes from the
// billing engine (BillingService, OperatorView); recharge, disable, voucher,
// catalog publish and bill run are the calls the CLI makes. Each
// state-changing request (sign-in and sign-out included) is written to the
// operator log, success or refusal: who, what, on what, when, outcome.
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

#include "billing/accounts.h"
#include "billing/billing.h"
#include "billing/views/operator_view.h"
#include "server/console/users.h"
#include "server/http/http_types.h"
#include "server/limits/rate_limiter.h"
#include "server/server_metrics.h"

namespace kanjian::server::console {

inline constexpr char kOperatorApiPrefix[] = "/console/operator/api/";
inline constexpr char kOperatorCookieName[] = "kanjian_operator";

class OperatorApi {
 public:
  // `metrics` may be null (no live metrics then).
  OperatorApi(ConsoleUsers& operators, billing::BillingService& billing,
              billing::AccountService& accounts, billing::OperatorView& view, store::Store& store,
              const ServerMetrics* metrics, const Clock& clock)
      : operators_(operators),
        billing_(billing),
        accounts_(accounts),
        view_(view),
        store_(store),
        metrics_(metrics),
        clock_(clock),
        limiter_(clock) {}

  HttpResponse Handle(const HttpRequest& request);

 private:
  struct Call;
  HttpResponse SignIn(const HttpRequest& request);
  HttpResponse Get(const Call& c, const std::string& route);
  HttpResponse Post(const Call& c, const std::string& route);
  // Appends to the operator log; the answer says so if that fails.
  HttpResponse Logged(const std::string& login, const std::string& action,
                      const std::string& target, const std::string& detail, HttpResponse answer);

  ConsoleUsers& operators_;
  billing::BillingService& billing_;
  billing::AccountService& accounts_;  // activation
  billing::OperatorView& view_;
  store::Store& store_;
  const ServerMetrics* metrics_;
  const Clock& clock_;
  RateLimiter limiter_;  // sign-in attempts per peer address
};

}  // namespace kanjian::server::console
