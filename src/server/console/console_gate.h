// One gate for the consoles' JSON APIs (the tenant console under
// /console/api/, the operator console under /console/operator/api/), in the
// manner of userver's HttpHandlerJsonBase: the gate checks what every call
// needs checked, and a route's handler receives an already-checked call
// (session, the billing zone's offset, parsed body) and does only its
// route's work. In this order:
//   1. method: GET or POST;
//   2. on POST, Content-Type application/json (a cross-site HTML form
//      cannot send it without a CORS preflight);
//   3. `login` (POST only): sign-in, rate-limited per peer address, from
//      {"Login","Password"}; the answer sets the realm's session cookie;
//   4. the realm's session cookie names a live session;
//   5. on POST, X-CSRF-Token is the session's (compared in constant time);
//   6. the billing zone's UTC offset now;
//   7. on POST, the body is a JSON object: on every POST in a realm that
//      asks so, else on the routes that take a body;
//   8. `logout` (POST): the session ends and the cookie is cleared;
//   9. the route's handler; none: NotFound "no <name> API <METHOD> <path>".
// Every refusal is console_reply.h's error body and HTTP status; a handler
// returns its error as a Status and the gate formats it the same way.
#pragma once

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "auth/console_users.h"
#include "common/iso8601.h"
#include "server/console/console_reply.h"
#include "server/http/http_types.h"
#include "server/limits/rate_limiter.h"

namespace kanjian::server::console {

// What tells one console's API from the other's.
struct GateRealm {
  std::string api_prefix;     // "/console/api/": routes are the path after it
  std::string api_name;       // "console": in "no console API GET /…"
  std::string log_surface;    // "console": names the API in error log lines
  std::string cookie_name;    // the session cookie
  std::string cookie_path;    // its Path attribute
  std::string sign_in_limit;  // the rate limiter's name for sign-in attempts
  // True: every POST's body must be a JSON object, sign-out's too, before
  // the route is looked up. False: only the routes registered with a body.
  bool every_post_has_json_body = false;
};

// A call that passed the gate.
struct ConsoleCall {
  const HttpRequest& req;
  const auth::Session& session;
  const nlohmann::json& body;  // the JSON object on a POST with a body, else null
  int offset_s = 0;            // the billing zone's UTC offset now
  // An instant in the billing zone: every time the consoles write.
  std::string Time(UnixMicros t) const { return FormatIso8601(t, offset_s); }
  // A query parameter, percent-decoded; "" when absent.
  std::string Query(std::string_view name) const { return QueryParam(req.query, name); }
};

using ConsoleHandler = std::function<Result<HttpResponse>(const ConsoleCall&)>;

// The value of cookie `name` in a Cookie header, "" if absent.
std::string CookieValue(const std::string& cookie_header, const std::string& name);

// A string field of a JSON object body: MissingParameter when absent and
// `required` ("" when absent and not), InvalidParameterValue when not a string.
Result<std::string> StringField(const nlohmann::json& body, const std::string& name,
                                bool required = true);

class ConsoleGate {
 public:
  // The sign-in answer's body for a new session.
  using SignInBody = std::function<nlohmann::json(const auth::NewSession&)>;
  // Sees each sign-in answer (once the credentials were looked at) and each
  // sign-out answer, with the login and "sign-in"/"sign-out"; what it
  // returns is sent. Null: answers go out as they are.
  using Audit = std::function<HttpResponse(const std::string& login, const std::string& action,
                                           HttpResponse answer)>;
  enum class Body { kNone, kJsonObject };

  // `users` checks the realm's sessions; `offset_now` is the billing zone's
  // UTC offset now (the catalog's utc_offset setting).
  ConsoleGate(GateRealm realm, auth::ConsoleUsers& users, std::function<Result<int>()> offset_now,
              const Clock& clock, SignInBody sign_in_body, Audit audit = nullptr)
      : realm_(std::move(realm)),
        users_(users),
        offset_now_(std::move(offset_now)),
        sign_in_body_(std::move(sign_in_body)),
        audit_(std::move(audit)),
        limiter_(clock) {}

  void Get(const std::string& route, ConsoleHandler handler);
  void Post(const std::string& route, ConsoleHandler handler, Body body = Body::kJsonObject);

  HttpResponse Handle(const HttpRequest& request);

  // The realm's error answer (an internal error's detail goes to the log only).
  HttpResponse Fail(const Status& s) const { return ErrorReply(s, realm_.log_surface); }

 private:
  struct Route {
    ConsoleHandler handler;
    Body body = Body::kNone;
  };
  HttpResponse SignIn(const HttpRequest& request);
  HttpResponse SignOut(const HttpRequest& request, const auth::Session& session,
                       const std::string& cookie);
  std::string SessionCookie(const std::string& value, bool tls, int64_t max_age_s) const;

  const GateRealm realm_;
  auth::ConsoleUsers& users_;
  const std::function<Result<int>()> offset_now_;
  const SignInBody sign_in_body_;
  const Audit audit_;
  RateLimiter limiter_;  // sign-in attempts per peer address
  std::map<std::string, Route, std::less<>> get_, post_;
};

}  // namespace kanjian::server::console
