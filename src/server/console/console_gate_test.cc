// The consoles' gate over a real SQLite store and a fake clock, with a
// realm of its own and routes that echo what they were given: what every
// call is checked for before a route sees it (method, content type,
// session, CSRF token, JSON body), the sign-in and sign-out plumbing, and
// the route's view of the call (session, offset, decoded query, body).
#include "server/console/console_gate.h"

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <vector>

#include "billing/accounts.h"
#include "common/error_codes.h"
#include "protocol/error_table.h"
#include "tests/support/temp_sqlite.h"

namespace kanjian::server::console {
namespace {

using nlohmann::json;

constexpr char kAddress[] = "198.51.100.7";
constexpr char kPassword[] = "correct horse battery";
constexpr int kOffset = 8 * 3600;

GateRealm TestRealm(bool every_post_has_json_body = false) {
  return GateRealm{.api_prefix = "/t/api/",
                   .api_name = "test",
                   .log_surface = "test console",
                   .cookie_name = "t_session",
                   .cookie_path = "/t",
                   .sign_in_limit = "test-sign-in",
                   .every_post_has_json_body = every_post_has_json_body};
}

class ConsoleGateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(accounts_.Create("shop").ok());
    ASSERT_TRUE(users_.Add("shop", "alice", kPassword).ok());
    gate_ = MakeGate(false);
  }

  std::unique_ptr<ConsoleGate> MakeGate(bool every_post_has_json_body) {
    auto gate = std::make_unique<ConsoleGate>(
        TestRealm(every_post_has_json_body), users_, [] { return Result<int>(kOffset); }, clock_,
        [](const auth::NewSession& s) {
          return json{{"Login", s.user.login}, {"CsrfToken", s.csrf_token}};
        },
        [this](const std::string& login, const std::string& action, HttpResponse answer) {
          audited_.push_back(action + " " + login + " " + std::to_string(answer.status));
          return answer;
        });
    // Echoes what the gate handed over.
    const auto echo = [](const ConsoleCall& c) -> Result<HttpResponse> {
      return JsonReply(200, {{"Login", c.session.user.login},
                             {"Offset", c.offset_s},
                             {"Cursor", c.Query("cursor")},
                             {"Body", c.body}});
    };
    gate->Get("echo", echo);
    gate->Post("echo", echo);
    gate->Post("nobody", echo, ConsoleGate::Body::kNone);
    gate->Get("refuse", [](const ConsoleCall&) -> Result<HttpResponse> {
      return Status(errc::kInvalidParameterValue, "month must be YYYY-MM");
    });
    return gate;
  }

  // Signs alice in through the gate; the cookie header and CSRF token.
  void SignIn() {
    HttpResponse res = gate_->Handle(
        Request("POST", "login", json{{"Login", "alice"}, {"Password", kPassword}}.dump()));
    ASSERT_EQ(res.status, 200) << res.body;
    csrf_ = json::parse(res.body).value("CsrfToken", "");
    for (const auto& [name, value] : res.headers) {
      if (name == "Set-Cookie") cookie_ = value.substr(0, value.find(';'));
    }
    ASSERT_FALSE(cookie_.empty());
  }

  HttpRequest Request(const std::string& method, const std::string& route,
                      const std::string& body = "") {
    HttpRequest req;
    req.method = method;
    req.path = "/t/api/" + route;
    req.body = body;
    req.peer_address = kAddress;
    if (method == "POST") req.headers["content-type"] = "application/json";
    if (!cookie_.empty()) req.headers["cookie"] = "other=1; " + cookie_;
    if (!csrf_.empty()) req.headers["x-csrf-token"] = csrf_;
    return req;
  }

  static void ExpectError(const HttpResponse& res, int status, ErrorCode code,
                          const std::string& message) {
    EXPECT_EQ(res.status, status) << res.body;
    const json body = json::parse(res.body, nullptr, false);
    ASSERT_TRUE(body.is_object()) << res.body;
    EXPECT_EQ(body["Error"]["Code"], protocol::WireCode(code)) << res.body;
    EXPECT_EQ(body["Error"]["Message"], message) << res.body;
  }

  testing::TempSqlite db_;
  FakeClock clock_{1'800'000'000'000'000};
  crypto::SecretBox box_{std::string(32, 'g')};
  billing::AccountService accounts_{db_.store(), box_, clock_};
  auth::ConsoleUsers users_{db_.store(), clock_};
  std::vector<std::string> audited_;
  std::unique_ptr<ConsoleGate> gate_;
  std::string cookie_, csrf_;
};

TEST_F(ConsoleGateTest, OnlyGetAndPostWithJsonArePassed) {
  SignIn();
  for (const char* method : {"PUT", "DELETE", "HEAD", "get"})
    ExpectError(gate_->Handle(Request(method, "echo")), 400, errc::kInvalidParameter,
                "only GET and POST are supported");
  for (const char* type : {"", "text/plain", "application/x-www-form-urlencoded",
                           "application/jsonx", "multipart/form-data"}) {
    HttpRequest req = Request("POST", "echo", "{}");
    req.headers["content-type"] = type;
    ExpectError(gate_->Handle(req), 400, errc::kInvalidParameter,
                "Content-Type must be application/json");
  }
  HttpRequest req = Request("POST", "echo", "{}");
  req.headers["content-type"] = "application/json; charset=utf-8";
  EXPECT_EQ(gate_->Handle(req).status, 200);
  // Sign-in is a POST like any other.
  ExpectError(gate_->Handle(Request("GET", "login")), 400, errc::kInvalidParameter,
              "sign in with POST");
}

TEST_F(ConsoleGateTest, ARouteNeedsALiveSessionOfTheRealmsCookie) {
  ExpectError(gate_->Handle(Request("GET", "echo")), 401, errc::kSessionInvalid,
              "not signed in, or the session has expired");
  SignIn();
  EXPECT_EQ(gate_->Handle(Request("GET", "echo")).status, 200);
  // The same value under another cookie name is no session.
  HttpRequest other = Request("GET", "echo");
  other.headers["cookie"] = "kanjian_session=" + cookie_.substr(cookie_.find('=') + 1);
  EXPECT_EQ(gate_->Handle(other).status, 401);
  clock_.Advance(auth::kSessionMicros + 1);
  EXPECT_EQ(gate_->Handle(Request("GET", "echo")).status, 401);
}

TEST_F(ConsoleGateTest, EveryPostNeedsTheSessionsCsrfToken) {
  SignIn();
  const std::string right = csrf_;
  for (const std::string& token : {std::string(), right + "x", right.substr(1), std::string("x")}) {
    csrf_ = token;
    ExpectError(gate_->Handle(Request("POST", "echo", "{}")), 403, errc::kCsrfTokenInvalid,
                "missing or wrong X-CSRF-Token");
    ExpectError(gate_->Handle(Request("POST", "logout")), 403, errc::kCsrfTokenInvalid,
                "missing or wrong X-CSRF-Token");
  }
  // A GET changes nothing and needs none.
  EXPECT_EQ(gate_->Handle(Request("GET", "echo")).status, 200);
  csrf_ = right;
  EXPECT_EQ(gate_->Handle(Request("POST", "echo", "{}")).status, 200);
}

TEST_F(ConsoleGateTest, ARouteWithABodyGetsAJsonObject) {
  SignIn();
  for (const char* body : {"", "{", "[1]", "\"text\"", "null", "{\"a\":1} x"})
    ExpectError(gate_->Handle(Request("POST", "echo", body)), 400, errc::kInvalidParameter,
                "the body must be a JSON object");
  HttpResponse res = gate_->Handle(Request("POST", "echo", R"({"PackId":"pk-1"})"));
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(json::parse(res.body)["Body"], (json{{"PackId", "pk-1"}}));
  // A route without a body takes any, and sees none.
  res = gate_->Handle(Request("POST", "nobody", "not json"));
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_TRUE(json::parse(res.body)["Body"].is_null());
  // A realm that asks for a JSON object on every POST: sign-out too, and
  // before an unknown route is told apart.
  gate_ = MakeGate(true);
  for (const char* route : {"nobody", "logout", "nowhere"})
    ExpectError(gate_->Handle(Request("POST", route, "not json")), 400, errc::kInvalidParameter,
                "the body must be a JSON object");
}

TEST_F(ConsoleGateTest, TheRouteSeesTheSessionOffsetAndDecodedQuery) {
  SignIn();
  HttpRequest req = Request("GET", "echo");
  req.query = "day=2026-10-05&cursor=req-1%3A2&limit=50";
  HttpResponse res = gate_->Handle(req);
  ASSERT_EQ(res.status, 200) << res.body;
  const json body = json::parse(res.body);
  EXPECT_EQ(body["Login"], "alice");
  EXPECT_EQ(body["Offset"], kOffset);
  EXPECT_EQ(body["Cursor"], "req-1:2");
  // A route's refusal is the realm's error body.
  ExpectError(gate_->Handle(Request("GET", "refuse")), 400, errc::kInvalidParameterValue,
              "month must be YYYY-MM");
  ExpectError(gate_->Handle(Request("GET", "nowhere")), 404, errc::kNotFound,
              "no test API GET /t/api/nowhere");
  ExpectError(gate_->Handle(Request("POST", "refuse", "{}")), 404, errc::kNotFound,
              "no test API POST /t/api/refuse");
}

TEST_F(ConsoleGateTest, SignInSetsTheRealmsCookieAndSignOutEndsTheSession) {
  HttpResponse res = gate_->Handle(
      Request("POST", "login", json{{"Login", "alice"}, {"Password", "wrong password"}}.dump()));
  ExpectError(res, 401, errc::kInvalidCredentials, "wrong login or password");
  ExpectError(gate_->Handle(Request("POST", "login", json{{"Login", "alice"}}.dump())), 400,
              errc::kMissingParameter, "Password is required");
  clock_.Advance(2'000'000);  // past the sign-in rate limit
  ExpectError(gate_->Handle(Request("POST", "login", json{{"Login", 7}}.dump())), 400,
              errc::kInvalidParameterValue, "Login must be a string");
  ExpectError(gate_->Handle(Request("POST", "login", "[]")), 400, errc::kInvalidParameter,
              "the body must be a JSON object");
  clock_.Advance(2'000'000);

  HttpRequest req =
      Request("POST", "login", json{{"Login", "alice"}, {"Password", kPassword}}.dump());
  req.tls = true;
  res = gate_->Handle(req);
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(json::parse(res.body)["Login"], "alice");
  ASSERT_EQ(res.headers.size(), 2u);  // Cache-Control, Set-Cookie
  const std::string set_cookie = res.headers[1].second;
  EXPECT_TRUE(set_cookie.starts_with("t_session=")) << set_cookie;
  EXPECT_TRUE(set_cookie.ends_with("; Path=/t; HttpOnly; SameSite=Strict; Max-Age=28800; Secure"))
      << set_cookie;

  clock_.Advance(2'000'000);
  SignIn();
  res = gate_->Handle(Request("POST", "logout"));
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(json::parse(res.body), (json{{"SignedOut", true}}));
  EXPECT_EQ(res.headers[1],
            (std::pair<std::string, std::string>{
                "Set-Cookie", "t_session=; Path=/t; HttpOnly; SameSite=Strict; Max-Age=0"}));
  EXPECT_EQ(gate_->Handle(Request("GET", "echo")).status, 401);
  // Each sign-in that reached the credentials, and the sign-out, were audited.
  EXPECT_EQ(audited_, (std::vector<std::string>{"sign-in alice 401", "sign-in alice 200",
                                                "sign-in alice 200", "sign-out alice 200"}));
}

TEST_F(ConsoleGateTest, SignInsAreRateLimitedPerAddress) {
  const std::string body = json{{"Login", "nobody"}, {"Password", "wrong password"}}.dump();
  EXPECT_EQ(gate_->Handle(Request("POST", "login", body)).status, 401);
  EXPECT_EQ(gate_->Handle(Request("POST", "login", body)).status, 401);
  ExpectError(gate_->Handle(Request("POST", "login", body)), 429, errc::kRequestLimitExceeded,
              "too many sign-in attempts; wait a second");
}

TEST(CookieValueTest, FindsTheNamedCookieOnly) {
  EXPECT_EQ(CookieValue("a=1; t_session=abc; b=2", "t_session"), "abc");
  EXPECT_EQ(CookieValue("t_session=abc", "t_session"), "abc");
  EXPECT_EQ(CookieValue("xt_session=abc; t_session=def", "t_session"), "def");
  EXPECT_EQ(CookieValue("t_sessionx=abc", "t_session"), "");
  EXPECT_EQ(CookieValue("", "t_session"), "");
}

}  // namespace
}  // namespace kanjian::server::console
