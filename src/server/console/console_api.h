// The tenant console's JSON API under /console/api/. Thin: the gate
// (console_gate.h) signs in and out, checks the session, the CSRF token on
// every POST and the JSON body; each route calls the billing engine's
// tenant view or the account service and formats (tenant_routes.h). Every read and
// action is scoped to the signed-in user's account; an id of another
// account is "not found". Errors: {"Error":{"Code","Message"}} with an HTTP
// status (400 bad input, 401 not signed in, 403 CSRF, 404 not found,
// 429 too many sign-ins, 500 internal).
#pragma once

#include <string>

#include "auth/console_users.h"
#include "billing/accounts.h"
#include "billing/alerts/alert_service.h"
#include "billing/views/tenant_view.h"
#include "server/console/console_gate.h"
#include "server/http/http_types.h"

namespace kanjian::server::console {

inline constexpr char kCookieName[] = "kanjian_session";

class ConsoleApi {
 public:
  // `alerts`: nullptr = no alerts API (the console's alerts routes are
  // then not found, and notices carry no first sighting).
  ConsoleApi(auth::ConsoleUsers& users, billing::TenantView& view,
             billing::AccountService& accounts, const Clock& clock,
             billing::AlertService* alerts = nullptr);
  ConsoleApi(const ConsoleApi&) = delete;  // the gate's routes hold `this`
  ConsoleApi& operator=(const ConsoleApi&) = delete;

  HttpResponse Handle(const HttpRequest& request) { return gate_.Handle(request); }

 private:
  billing::TenantView& view_;
  billing::AccountService& accounts_;
  billing::AlertService* const alerts_;
  ConsoleGate gate_;
};

}  // namespace kanjian::server::console
