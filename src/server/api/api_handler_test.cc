// ApiHandler as a plain function, on real parts: SQLite in a temporary
// directory, the real account, billing and metering services, and the real
// vision engine on the bundled models (it loads in about a second, so no fake
// is needed). Time is a FakeClock: signature skew and the QPS bucket are
// tested by moving it, never by sleeping. Wire codes are compared as the
// strings a client sees.
#include "server/api/api_handler.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "common/build_info.h"
#include "common/crypto.h"
#include "protocol/tc3.h"
#include "server/http/http_server.h"
#include "server/routes.h"
#include "tests/support/temp_sqlite.h"
#include "vision/vision_test_util.h"

namespace kanjian::server {
namespace {

using nlohmann::json;

// 2026-10-05T10:00:00+08:00.
constexpr UnixMicros kCallTime = 1'791'165'600'000'000;
constexpr int64_t kOneSecond = 1'000'000;

std::string Base64File(const std::string& path) {
  return crypto::Base64Encode(vision::testing::ReadFile(path));
}

class ApiHandlerTest : public ::testing::Test {
 protected:
  // One engine for the suite: loading the models is the slow part.
  static void SetUpTestSuite() {
    vision::VisionConfig config;
    config.models_dir = vision::testing::ModelsDir();
    config.workers = 1;
    auto engine = vision::VisionEngine::Load(config);
    if (engine.ok())
      engine_ = std::move(engine).value().release();
    else
      load_error_ = new std::string(engine.status().ToString());
  }
  static void TearDownTestSuite() {
    delete engine_;
    engine_ = nullptr;
  }

  void SetUp() override {
    KANJIAN_REQUIRE_FILE(vision::testing::DetectorPath());
    ASSERT_NE(engine_, nullptr) << (load_error_ ? *load_error_ : "");
    auto created = accounts_.Create("shop");
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    account_ = *created;
    ASSERT_TRUE(accounts_.Activate(account_.account_id).ok());
  }

  // The handler is made per test so each test chooses its options.
  ApiHandler& Handler(ApiOptions options = {}) {
    handler_ = std::make_unique<ApiHandler>(std::move(options), accounts_, billing_, meter_,
                                            *engine_, clock_, metrics_);
    return *handler_;
  }

  // A TC3 POST as the SDKs send it, signed at `signed_at` (default: now).
  ApiRequest Signed(const std::string& action, const json& params, std::string secret_key = "",
                    std::optional<int64_t> signed_at = std::nullopt) const {
    if (secret_key.empty()) secret_key = account_.key.secret_key;
    const int64_t timestamp = signed_at.value_or(clock_.NowSeconds());
    ApiRequest r;
    r.method = "POST";
    r.path = "/";
    r.body = params.dump();
    r.peer_address = "127.0.0.1";
    r.headers = {{"content-type", "application/json"}, {"host", "127.0.0.1"}};
    protocol::SignedRequest to_sign{r.method, "", r.headers, r.body};
    r.headers["authorization"] =
        protocol::SignAuthorization(to_sign, account_.key.secret_id, secret_key, "tiia", timestamp);
    r.headers["x-tc-action"] = action;
    r.headers["x-tc-version"] = "2019-05-29";
    r.headers["x-tc-timestamp"] = std::to_string(timestamp);
    return r;
  }

  size_t Metered() {
    auto usage =
        db_.store().ListUsage(account_.account_id, 0, kCallTime + 365 * 86400 * kOneSecond);
    EXPECT_TRUE(usage.ok()) << usage.status().ToString();
    return usage.ok() ? usage->size() : 0;
  }

  static json Body(const ApiResponse& r) { return json::parse(r.body); }

  static inline vision::VisionEngine* engine_ = nullptr;
  static inline std::string* load_error_ = nullptr;

  testing::TempSqlite db_;
  FakeClock clock_{kCallTime};
  crypto::SecretBox box_{std::string(32, 'k')};
  billing::AccountService accounts_{db_.store(), box_, clock_};
  billing::BillingService billing_{db_.store(), clock_};
  billing::UsageMeter meter_{billing_};
  ServerMetrics metrics_;
  std::unique_ptr<ApiHandler> handler_;
  billing::NewAccount account_;
};

TEST_F(ApiHandlerTest, ASignedCallIsAnsweredAndMeteredOnce) {
  KANJIAN_REQUIRE_FILE(vision::testing::DarknetImage("dog.jpg"));
  ApiResponse r = Handler().Handle(
      Signed("DetectPet", {{"ImageBase64", Base64File(vision::testing::DarknetImage("dog.jpg"))}}));
  ASSERT_EQ(r.code, "") << r.body;
  EXPECT_EQ(r.action, "DetectPet");
  EXPECT_EQ(r.account_id, account_.account_id);
  const json body = Body(r);
  EXPECT_EQ(body["Response"]["RequestId"], r.request_id);
  ASSERT_FALSE(body["Response"]["Pets"].empty()) << r.body;
  EXPECT_EQ(body["Response"]["Pets"][0]["Name"], "dog");
  auto usage = db_.store().ListUsage(account_.account_id, 0, kCallTime + kOneSecond);
  ASSERT_TRUE(usage.ok());
  ASSERT_EQ(usage->size(), 1u);
  EXPECT_EQ((*usage)[0].request_id, r.request_id);
  EXPECT_EQ((*usage)[0].action, "DetectPet");
  EXPECT_EQ((*usage)[0].at, kCallTime);  // metered at the injected clock's time
}

TEST_F(ApiHandlerTest, RefusalsCarryTheirCodeInTheEnvelopeAndAreNotMetered) {
  ApiHandler& api = Handler();
  const json no_image = json::object();
  auto code = [&](const ApiRequest& req) {
    ApiResponse r = api.Handle(req);
    const json body = Body(r);
    EXPECT_EQ(body["Response"]["Error"]["Code"], r.code) << r.body;
    EXPECT_EQ(body["Response"]["RequestId"], r.request_id);
    return r.code;
  };
  EXPECT_EQ(code(Signed("DetectPet", {{"ImageBase64", "x"}}, "wrong-secret-key")),
            "AuthFailure.SignatureFailure");
  EXPECT_EQ(code(Signed("NoSuchAction", no_image)), "InvalidAction");
  EXPECT_EQ(code(Signed("DetectPet", {{"ImageBase64", "bm90IGFuIGltYWdl"}})),
            "FailedOperation.ImageDecodeFailed");
  EXPECT_EQ(code(Signed("DetectPet", {{"ImageBase64", "x"}, {"Surprise", 1}})), "UnknownParameter");
  ApiRequest unknown_key = Signed("DetectPet", no_image);
  unknown_key.headers["authorization"] = protocol::SignAuthorization(
      {"POST", "", {{"content-type", "application/json"}, {"host", "127.0.0.1"}}, unknown_key.body},
      "AKIDnobodyhasthisid", "k", "tiia", clock_.NowSeconds());
  EXPECT_EQ(code(unknown_key), "AuthFailure.SecretIdNotFound");
  EXPECT_EQ(Metered(), 0u);
}

// The signature's timestamp is judged by the injected clock: five minutes of
// skew either way pass, more does not.
TEST_F(ApiHandlerTest, SignatureAgeIsJudgedOnTheInjectedClock) {
  ApiHandler& api = Handler();
  const json params = {{"ImageBase64", "bm90IGFuIGltYWdl"}};  // fails after the signature
  const int64_t now = clock_.NowSeconds();
  EXPECT_EQ(api.Handle(Signed("DetectPet", params, "", now - 300)).code,
            "FailedOperation.ImageDecodeFailed");
  EXPECT_EQ(api.Handle(Signed("DetectPet", params, "", now - 301)).code,
            "AuthFailure.SignatureExpire");
  clock_.Advance(-302 * kOneSecond);  // the same request, judged earlier, is fresh again
  EXPECT_NE(api.Handle(Signed("DetectPet", params, "", now - 301)).code,
            "AuthFailure.SignatureExpire");
}

// A bucket of `qps` tokens per account and action, refilled on the clock:
// nothing here sleeps, the clock is moved.
TEST_F(ApiHandlerTest, TheQpsBucketRefillsOnTheInjectedClock) {
  ApiOptions options;
  options.qps["DetectPet"] = 2;
  ApiHandler& api = Handler(options);
  const json params = {
      {"ImageBase64", "bm90IGFuIGltYWdl"}};  // passes the limiter, then fails cheaply
  const std::string passed = "FailedOperation.ImageDecodeFailed";
  EXPECT_EQ(api.Handle(Signed("DetectPet", params)).code, passed);
  EXPECT_EQ(api.Handle(Signed("DetectPet", params)).code, passed);
  EXPECT_EQ(api.Handle(Signed("DetectPet", params)).code, "RequestLimitExceeded");
  // Another action has its own bucket.
  EXPECT_NE(api.Handle(Signed("DetectProduct", params)).code, "RequestLimitExceeded");
  clock_.Advance(kOneSecond / 2 - 1);  // not quite one token yet
  EXPECT_EQ(api.Handle(Signed("DetectPet", params)).code, "RequestLimitExceeded");
  clock_.Advance(1);
  EXPECT_EQ(api.Handle(Signed("DetectPet", params)).code, passed);
  EXPECT_EQ(api.Handle(Signed("DetectPet", params)).code, "RequestLimitExceeded");
  EXPECT_EQ(Metered(), 0u);
}

TEST_F(ApiHandlerTest, AnAccountNotActivatedIsRefusedBeforeRecognition) {
  auto other = accounts_.Create("not-yet");
  ASSERT_TRUE(other.ok());
  account_ = *other;  // Signed() now signs with its key
  ApiResponse r = Handler().Handle(Signed("DetectPet", {{"ImageBase64", "bm90IGFuIGltYWdl"}}));
  EXPECT_EQ(r.code.rfind("ResourceUnavailable.", 0), 0u) << r.body;
  EXPECT_EQ(r.account_id, other->account_id);
  EXPECT_EQ(Metered(), 0u);
}

// The routes `serve` installs, through the real transport on loopback: the
// API at "/", /healthz and /metrics inline, no /admin/reload without a model
// registry, 404/405 for the rest.
TEST_F(ApiHandlerTest, TheServeRoutesOverLoopback) {
  HttpOptions options;
  options.port = 0;
  HttpServer http(options, MakeRoutes(Handler(), metrics_, nullptr));
  ASSERT_TRUE(http.Bind().ok());
  std::thread serving([&] { (void)http.Serve(); });
  httplib::Client client("127.0.0.1", http.port());

  const ApiRequest call = Signed("DetectPet", {{"ImageBase64", "bm90IGFuIGltYWdl"}});
  httplib::Headers headers;
  for (const auto& [name, value] : call.headers)
    if (name != "content-type" && name != "host") headers.emplace(name, value);
  headers.emplace("Host", "127.0.0.1");
  auto api = client.Post("/", headers, call.body, "application/json");
  ASSERT_TRUE(api);
  EXPECT_EQ(api->status, 200);  // API errors travel in the envelope
  EXPECT_EQ(json::parse(api->body)["Response"]["Error"]["Code"],
            "FailedOperation.ImageDecodeFailed")
      << api->body;

  auto health = client.Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(json::parse(health->body),
            (json{{"status", "ok"}, {"Version", BuildVersion()}, {"Commit", BuildCommit()}}));
  auto metrics = client.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metrics->get_header_value("Content-Type").rfind("text/plain", 0), 0u);
  EXPECT_NE(
      metrics->body.find(
          R"(kanjian_requests_total{action="DetectPet",code="FailedOperation.ImageDecodeFailed"} 1)"),
      std::string::npos)
      << metrics->body;
  EXPECT_NE(metrics->body.find("kanjian_build_info{version=\"" + std::string(BuildVersion()) +
                               "\",commit=\"" + std::string(BuildCommit()) + "\"} 1\n"),
            std::string::npos)
      << metrics->body;
  auto reload = client.Post("/admin/reload", "", "text/plain");
  ASSERT_TRUE(reload);
  EXPECT_EQ(reload->status, 404);
  auto wrong_method = client.Post("/healthz", "", "text/plain");
  ASSERT_TRUE(wrong_method);
  EXPECT_EQ(wrong_method->status, 405);

  http.Stop();
  serving.join();
  EXPECT_EQ(Metered(), 0u);
}

}  // namespace
}  // namespace kanjian::server
