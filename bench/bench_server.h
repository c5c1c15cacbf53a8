// The real API server, in-process on a loopback port, for the end-to-end
// benchmarks: HTTP, TC3 verification, account checks, the vision engine and
// durable metering, exactly as `kanjian serve` wires them.
#pragma once

#include <httplib.h>

#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "bench_support.h"
#include "protocol/tc3.h"
#include "server/api/api_handler.h"
#include "server/http/http_server.h"
#include "server/routes.h"
#include "vision/vision_engine.h"

namespace kanjian::bench {

// POST / as an SDK sends it: TC3-signed with the tenant's key, now.
inline httplib::Result SignedPost(httplib::Client& client, Tenant& tenant,
                                  const std::string& action, const std::string& body) {
  const int64_t now = tenant.clock.NowSeconds();
  protocol::SignedRequest r;
  r.method = "POST";
  r.headers = {{"content-type", "application/json"}, {"host", "127.0.0.1"}};
  r.body = body;
  const std::string auth = protocol::SignAuthorization(r, tenant.account.key.secret_id,
                                                       tenant.account.key.secret_key, "tiia", now);
  httplib::Headers headers = {{"Authorization", auth},
                              {"X-TC-Action", action},
                              {"X-TC-Version", "2019-05-29"},
                              {"X-TC-Timestamp", std::to_string(now)},
                              {"Host", "127.0.0.1"}};
  return client.Post("/", headers, body, "application/json");
}

class BenchServer {
 public:
  // `actions` get a QPS limit no benchmark reaches.
  BenchServer(Tenant& tenant, vision::VisionEngine& engine, const std::vector<std::string>& actions,
              int http_threads = server::HttpOptions{}.handler_threads)
      : tenant_(tenant),
        api_(Options(actions), *tenant.accounts, *tenant.billing, *tenant.meter, engine,
             tenant.clock, metrics_),
        http_(HttpOptionsWith(http_threads), server::MakeRoutes(api_, metrics_, nullptr)) {
    if (http_.Bind().ok()) serving_ = std::thread([this] { (void)http_.Serve(); });
  }
  ~BenchServer() {
    if (!serving_.joinable()) return;
    http_.Stop();
    serving_.join();
  }
  BenchServer(const BenchServer&) = delete;
  BenchServer& operator=(const BenchServer&) = delete;

  bool ok() const { return serving_.joinable(); }

  // One call signed with the tenant's key, over this thread's keep-alive
  // connection; the reply, or a transport error.
  httplib::Result Call(const std::string& action, const std::string& body) {
    thread_local std::map<int, std::unique_ptr<httplib::Client>> clients;  // by port
    auto& client = clients[http_.port()];
    if (!client) {
      client = std::make_unique<httplib::Client>("127.0.0.1", http_.port());
      client->set_read_timeout(120, 0);
    }
    return SignedPost(*client, tenant_, action, body);
  }

 private:
  static server::ApiOptions Options(const std::vector<std::string>& actions) {
    server::ApiOptions o;
    for (const auto& a : actions) o.qps[a] = 1'000'000;
    return o;
  }
  static server::HttpOptions HttpOptionsWith(int threads) {
    server::HttpOptions o;
    o.port = 0;
    o.handler_threads = threads;
    return o;
  }

  Tenant& tenant_;
  server::ServerMetrics metrics_;
  server::ApiHandler api_;
  server::HttpServer http_;
  std::thread serving_;
};

}  // namespace kanjian::bench
