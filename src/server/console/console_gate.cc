#include "server/console/console_gate.h"

#include <algorithm>

#include "common/crypto.h"
#include "common/error_codes.h"

namespace kanjian::server::console {
namespace {

using nlohmann::json;

constexpr int kSignInsPerSecond = 2;  // per peer address; a burst of 2 is allowed

// The body as a JSON object; InvalidParameter otherwise.
Result<json> JsonObject(const std::string& text) {
  json body = json::parse(text, nullptr, false);
  if (body.is_discarded() || !body.is_object())
    return Status(errc::kInvalidParameter, "the body must be a JSON object");
  return body;
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

Result<std::string> StringField(const json& body, const std::string& name, bool required) {
  if (!body.contains(name)) {
    if (!required) return std::string();
    return Status(errc::kMissingParameter, name + " is required");
  }
  if (!body[name].is_string())
    return Status(errc::kInvalidParameterValue, name + " must be a string");
  return body[name].get<std::string>();
}

void ConsoleGate::Get(const std::string& route, ConsoleHandler handler) {
  get_[route] = Route{std::move(handler), Body::kNone};
}

void ConsoleGate::Post(const std::string& route, ConsoleHandler handler, Body body) {
  post_[route] = Route{std::move(handler), body};
}

std::string ConsoleGate::SessionCookie(const std::string& value, bool tls,
                                       int64_t max_age_s) const {
  return realm_.cookie_name + "=" + value + "; Path=" + realm_.cookie_path +
         "; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age_s) +
         (tls ? "; Secure" : "");
}

HttpResponse ConsoleGate::SignIn(const HttpRequest& req) {
  if (!limiter_.Allow(req.peer_address, realm_.sign_in_limit, kSignInsPerSecond))
    return Fail(Status(errc::kRequestLimitExceeded, "too many sign-in attempts; wait a second"));
  auto body = JsonObject(req.body);
  if (!body.ok()) return Fail(body.status());
  auto login = StringField(*body, "Login");
  if (!login.ok()) return Fail(login.status());
  auto password = StringField(*body, "Password");
  if (!password.ok()) return Fail(password.status());
  auto session = users_.SignIn(*login, *password, req.peer_address);
  HttpResponse answer;
  if (session.ok()) {
    answer = JsonReply(200, sign_in_body_(*session));
    answer.headers.push_back(
        {"Set-Cookie", SessionCookie(session->cookie, req.tls, auth::kSessionMicros / 1'000'000)});
  } else {
    answer = Fail(session.status());
  }
  // The login as typed, cut short: a log line is no place for a megabyte.
  return audit_ ? audit_(login->substr(0, 64), "sign-in", std::move(answer)) : answer;
}

HttpResponse ConsoleGate::SignOut(const HttpRequest& req, const auth::Session& session,
                                  const std::string& cookie) {
  if (Status s = users_.SignOut(cookie); !s.ok()) return Fail(s);
  HttpResponse answer = JsonReply(200, {{"SignedOut", true}});
  answer.headers.push_back({"Set-Cookie", SessionCookie("", req.tls, 0)});
  return audit_ ? audit_(session.user.login, "sign-out", std::move(answer)) : answer;
}

HttpResponse ConsoleGate::Handle(const HttpRequest& req) {
  const std::string route = req.path.substr(std::min(req.path.size(), realm_.api_prefix.size()));
  const bool post = req.method == "POST";
  if (!post && req.method != "GET")
    return Fail(Status(errc::kInvalidParameter, "only GET and POST are supported"));
  if (post) {
    const std::string type = req.Header("content-type");
    if (type != "application/json" && type.rfind("application/json;", 0) != 0)
      return Fail(Status(errc::kInvalidParameter, "Content-Type must be application/json"));
  }
  if (route == "login")
    return post ? SignIn(req) : Fail(Status(errc::kInvalidParameter, "sign in with POST"));

  const std::string cookie = CookieValue(req.Header("cookie"), realm_.cookie_name);
  auto session = users_.Check(cookie);
  if (!session.ok()) return Fail(session.status());
  if (post && !crypto::ConstantTimeEquals(req.Header("x-csrf-token"), session->csrf_token))
    return Fail(Status(errc::kCsrfTokenInvalid, "missing or wrong X-CSRF-Token"));
  auto offset_s = offset_now_();
  if (!offset_s.ok()) return Fail(offset_s.status());

  json body;  // null until a POST's body is parsed
  const auto parse_body = [&]() -> Status {
    ASSIGN_OR_RETURN(body, JsonObject(req.body));
    return Status::Ok();
  };
  if (post && realm_.every_post_has_json_body) {
    if (Status s = parse_body(); !s.ok()) return Fail(s);
  }
  if (post && route == "logout") return SignOut(req, *session, cookie);

  const auto& routes = post ? post_ : get_;
  const auto it = routes.find(route);
  if (it == routes.end())
    return Fail(
        Status(errc::kNotFound, "no " + realm_.api_name + " API " + req.method + " " + req.path));
  if (it->second.body == Body::kJsonObject && body.is_null()) {
    if (Status s = parse_body(); !s.ok()) return Fail(s);
  }
  auto answer = it->second.handler(ConsoleCall{req, *session, body, *offset_s});
  return answer.ok() ? std::move(answer).value() : Fail(answer.status());
}

}  // namespace kanjian::server::console
