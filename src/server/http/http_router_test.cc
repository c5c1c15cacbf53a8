// Routing: HttpRouter's matching rules, then the same rules through
// HttpServer on real loopback sockets (what reaches a handler: path, query,
// lowercase headers, peer address; which thread runs it).
#include "server/http/http_router.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <thread>

#include "server/http/http_server.h"

namespace kanjian::server {
namespace {

HttpResponse Text(std::string body) {
  HttpResponse res;
  res.content_type = "text/plain";
  res.body = std::move(body);
  return res;
}

Route Named(std::string method, std::string path, bool prefix, std::string name,
            RunOn run_on = RunOn::kHandlerPool) {
  return {std::move(method), std::move(path), prefix, run_on,
          [name](const HttpRequest&) { return Text(name); }};
}

HttpRequest Req(std::string method, std::string path, std::string version = "") {
  HttpRequest r;
  r.method = std::move(method);
  r.path = std::move(path);
  if (!version.empty()) r.headers["x-tc-version"] = std::move(version);
  return r;
}

std::string NameOf(const Route* route) {
  return route ? route->handler(HttpRequest{}).body : "none";
}

TEST(HttpRouterTest, ExactPathsPrefixesMethodsAndTheFirstMatchWins) {
  HttpRouter router;
  router.Add(Named("GET", "/x", false, "get-x"));
  router.Add(Named("*", "/x", false, "any-x"));
  router.Add(Named("GET", "/static/", true, "static"));
  router.Add(Named("GET", "/static/special", false, "never: the prefix route comes first"));
  EXPECT_EQ(NameOf(router.Find(Req("GET", "/x"))), "get-x");
  EXPECT_EQ(NameOf(router.Find(Req("DELETE", "/x"))), "any-x");
  EXPECT_EQ(NameOf(router.Find(Req("GET", "/x/"))), "none");  // exact means exact
  EXPECT_EQ(NameOf(router.Find(Req("GET", "/static/a/b.js"))), "static");
  EXPECT_EQ(NameOf(router.Find(Req("GET", "/static/special"))), "static");
  EXPECT_EQ(NameOf(router.Find(Req("GET", "/static"))), "none");    // the prefix is "/static/"
  EXPECT_EQ(NameOf(router.Find(Req("get", "/static/a"))), "none");  // methods are case-sensitive
}

// The billing API shares the API's path: its route comes first and takes
// only requests whose head says so; the others fall through to the next.
TEST(HttpRouterTest, ARouteWithAConditionTakesOnlyTheRequestsItNames) {
  HttpRouter router;
  Route billing = Named("*", "/", false, "billing", RunOn::kStorePool);
  billing.when = [](const HttpRequest& r) { return r.Header("x-tc-version") == "2018-07-09"; };
  router.Add(billing);
  router.Add(Named("*", "/", false, "api"));
  EXPECT_EQ(NameOf(router.Find(Req("POST", "/", "2018-07-09"))), "billing");
  EXPECT_EQ(router.Find(Req("POST", "/", "2018-07-09"))->run_on, RunOn::kStorePool);
  EXPECT_EQ(NameOf(router.Find(Req("POST", "/", "2019-05-29"))), "api");
  EXPECT_EQ(NameOf(router.Find(Req("POST", "/"))), "api");
}

TEST(HttpRouterTest, PathKnownTellsAWrongMethodFromAnUnknownPath) {
  HttpRouter router;
  router.Add(Named("GET", "/healthz", false, "health"));
  bool path_known = true;
  EXPECT_EQ(router.Find(Req("POST", "/healthz"), &path_known), nullptr);
  EXPECT_TRUE(path_known);  // → 405
  EXPECT_EQ(router.Find(Req("GET", "/nope"), &path_known), nullptr);
  EXPECT_FALSE(path_known);  // → 404
  EXPECT_NE(router.Find(Req("GET", "/healthz"), &path_known), nullptr);
  EXPECT_TRUE(path_known);
}

// A one-shot gate a handler blocks on until the test opens it.
class Gate {
 public:
  void Enter() {
    std::unique_lock<std::mutex> lock(mu_);
    entered_ = true;
    cv_.notify_all();
    cv_.wait(lock, [&] { return open_; });
  }
  // False after 30 s (a watchdog, so a routing bug fails instead of hanging).
  bool WaitEntered() {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(30), [&] { return entered_; });
  }
  void Open() {
    std::lock_guard<std::mutex> lock(mu_);
    open_ = true;
    cv_.notify_all();
  }
  bool is_open() {
    std::lock_guard<std::mutex> lock(mu_);
    return open_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool entered_ = false, open_ = false;  // guarded by mu_
};

class HttpRoutingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    HttpRouter router;
    // Echoes what the transport made of the request.
    router.Add({"*", "/", false, RunOn::kHandlerPool, [](const HttpRequest& r) {
                  return Text(r.method + " " + r.path + " ?" + r.query + " x-probe=" +
                              r.Header("x-probe") + " peer=" + r.peer_address + " body=" + r.body);
                }});
    router.Add({"GET", "/files/", true, RunOn::kHandlerPool,
                [](const HttpRequest& r) { return Text("file " + r.path); }});
    router.Add({"POST", "/busy", false, RunOn::kHandlerPool, [this](const HttpRequest&) {
                  gate_.Enter();
                  return Text("done");
                }});
    router.Add({"GET", "/store", false, RunOn::kStorePool,
                [](const HttpRequest&) { return Text("store answered"); }});
    router.Add({"GET", "/healthz", false, RunOn::kIoThread, [this](const HttpRequest&) {
                  return Text(gate_.is_open() ? "ok, pool free" : "ok, pool busy");
                }});
    HttpOptions options;
    options.port = 0;
    options.handler_threads = 1;  // one pool thread: /busy occupies it
    server_ = std::make_unique<HttpServer>(options, std::move(router));
    ASSERT_TRUE(server_->Bind().ok());
    serving_ = std::thread([this] { (void)server_->Serve(); });
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
  }
  void TearDown() override {
    gate_.Open();
    if (!server_) return;
    server_->Stop();
    if (serving_.joinable()) serving_.join();
  }
  std::string Get(const std::string& target, httplib::Headers headers = {}) {
    auto r = client_->Get(target, headers);
    if (!r) return "transport error " + httplib::to_string(r.error());
    return std::to_string(r->status) + " " + r->body;
  }

  Gate gate_;
  std::unique_ptr<HttpServer> server_;
  std::thread serving_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(HttpRoutingTest, TheHandlerSeesPathQueryLowercaseHeadersAndThePeer) {
  EXPECT_EQ(Get("/?Action=DetectPet&x=%20", {{"X-Probe", "Yes"}}),
            "200 GET / ?Action=DetectPet&x=%20 x-probe=Yes peer=127.0.0.1 body=");
  auto posted = client_->Post("/", "{\"a\":1}", "application/json");
  ASSERT_TRUE(posted);
  EXPECT_EQ(posted->body, "POST / ? x-probe= peer=127.0.0.1 body={\"a\":1}");
}

TEST_F(HttpRoutingTest, PrefixRoutesGetTheFullPathAndUnknownPathsAre404) {
  EXPECT_EQ(Get("/files/a/b.js?v=2"), "200 file /files/a/b.js");
  EXPECT_EQ(Get("/files").substr(0, 3), "404");
  EXPECT_EQ(Get("/filesx/a").substr(0, 3), "404");
  auto wrong_method = client_->Post("/files/a", "", "text/plain");
  ASSERT_TRUE(wrong_method);
  EXPECT_EQ(wrong_method->status, 405);
}

// I/O-thread and store-pool routes answer while every handler thread is
// taken: /busy holds the only one until the test has had both answers.
TEST_F(HttpRoutingTest, IoThreadAndStorePoolRoutesAnswerWhileThePoolIsBusy) {
  auto busy = std::async(std::launch::async, [this] {
    httplib::Client c("127.0.0.1", server_->port());
    auto r = c.Post("/busy", "", "text/plain");
    return r ? r->body : "transport error";
  });
  ASSERT_TRUE(gate_.WaitEntered()) << busy.get();
  EXPECT_EQ(Get("/healthz"), "200 ok, pool busy");
  // The store pool is not the handler pool: the billing API and the
  // consoles answer while every inference handler waits.
  EXPECT_EQ(Get("/store"), "200 store answered");
  gate_.Open();
  EXPECT_EQ(busy.get(), "done");
  EXPECT_EQ(Get("/healthz"), "200 ok, pool free");
}

}  // namespace
}  // namespace kanjian::server
