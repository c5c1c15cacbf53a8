// The tenant console's JSON API under /console/api/. Thin: authenticate the
// session, check the CSRF token on every POST, parse, call the billing
// engine's tenant view or the account service, format. Every read and
// action is scoped to the signed-in user's account; an id of another
// account is "not found". Errors: {"Error":{"Code","Message"}} with an HTTP
// status (400 bad input, 401 not signed in, 403 CSRF, 404 not found,
// 429 too many sign-ins, 500 internal).
#pragma once

#include <string>

#include "billing/accounts.h"
#include "billing/alerts/alert_service.h"
#include "billing/views/tenant_view.h"
#include "server/console/users.h"
#include "server/http/http_types.h"
#include "server/limits/rate_limiter.h"

namespace kanjian::server::console {

inline constexpr char kCookieName[] = "kanjian_session";

class ConsoleApi {
 public:
  // `alerts`: nullptr = no alerts API (the console's alerts routes are
  // then not found, and notices carry no first sighting).
  ConsoleApi(ConsoleUsers& users, billing::TenantView& view, billing::AccountService& accounts,
             const Clock& clock, billing::AlertService* alerts = nullptr)
      : users_(users), view_(view), accounts_(accounts), alerts_(alerts), limiter_(clock) {}

  HttpResponse Handle(const HttpRequest& request);

 private:
  HttpResponse SignIn(const HttpRequest& request);

  ConsoleUsers& users_;
  billing::TenantView& view_;
  billing::AccountService& accounts_;
  billing::AlertService* const alerts_;
  RateLimiter limiter_;  // sign-in attempts per peer address
};

// The value of cookie `name` in a Cookie header, "" if absent.
std::string CookieValue(const std::string& cookie_header, const std::string& name);

}  // namespace kanjian::server::console
