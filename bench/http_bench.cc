// The HTTP front by signed requests/s, on a path that needs the signature,
// an account read and the rate limiter but no inference (a DetectPet with no
// image → MissingParameter, billed nothing): the Beast front that serves
// today (src/server/http/http_server.cc) against the cpp-httplib 0.11 front it
// replaced (baseline, rebuilt here as it was: one thread per connection
// from a pool of 16), in one process over one ApiHandler, alternating.
//   build/bench/http_bench [--seconds S] [--models DIR]
#include <httplib.h>
#include <spdlog/spdlog.h>

#include <cstdio>

#include "bench_server.h"
#include "bench_support.h"
#include "server/http/http_server.h"
#include "server/routes.h"

namespace kanjian::bench {
namespace {

// The replaced front, as it was wired (baseline only).
class HttplibFront {
 public:
  explicit HttplibFront(server::ApiHandler& api) {
    http_.new_task_queue = [] { return new httplib::ThreadPool(16); };
    http_.Post("/", [&api](const httplib::Request& req, httplib::Response& res) {
      server::ApiRequest in;
      in.method = req.method;
      for (const auto& [name, value] : req.headers) {
        std::string lower = name;
        for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        in.headers.emplace(std::move(lower), value);
      }
      in.body = req.body;
      res.set_content(api.Handle(in).body, "application/json");
    });
    port_ = http_.bind_to_any_port("127.0.0.1");
    serving_ = std::thread([this] { http_.listen_after_bind(); });
  }
  ~HttplibFront() {
    http_.stop();
    serving_.join();
  }
  int port() const { return port_; }

 private:
  httplib::Server http_;
  int port_ = 0;
  std::thread serving_;
};

Stats Run(Tenant& tenant, int port, int concurrency, double seconds) {
  return Measure(concurrency, seconds, [&] {
    thread_local std::map<int, std::unique_ptr<httplib::Client>> clients;
    auto& client = clients[port];
    if (!client) client = std::make_unique<httplib::Client>("127.0.0.1", port);
    auto r = SignedPost(*client, tenant, "DetectPet", "{}");
    return r && r->status == 200 && r->body.find("MissingParameter") != std::string::npos;
  });
}

int Main(int argc, char** argv) {
  double seconds = 3;
  std::string models = std::string(std::getenv("HOME")) + "/.cache/kanjian/models";
  if (const char* m = std::getenv("KANJIAN_MODELS")) models = m;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--seconds") seconds = std::stod(argv[i + 1]);
    if (flag == "--models") models = argv[i + 1];
  }
  spdlog::set_level(spdlog::level::warn);  // one log line per request would dominate
  Tenant tenant("kanjian_http_bench");
  vision::VisionConfig config;
  config.models_dir = models;
  auto engine = vision::VisionEngine::Load(config);  // ApiHandler needs one; never called here
  if (!engine.ok()) {
    std::fprintf(stderr, "bench: %s\n", engine.status().ToString().c_str());
    return 1;
  }
  server::ServerMetrics metrics;
  server::ApiOptions options;
  options.qps["DetectPet"] = 1'000'000'000;
  server::ApiHandler api(options, *tenant.accounts, *tenant.billing, *tenant.meter, **engine,
                         tenant.clock, metrics);
  server::HttpOptions http;
  http.port = 0;
  server::HttpServer beast(http, server::MakeRoutes(api, metrics, nullptr));
  if (!beast.Bind().ok()) return 1;
  std::thread serving([&] { (void)beast.Serve(); });
  HttplibFront baseline(api);

  std::printf(
      "{\"machine\":\"%u cores\",\"path\":\"signed DetectPet without image\","
      "\"seconds\":%.1f}\n",
      std::thread::hardware_concurrency(), seconds);
  for (int c : {1, 4, 16}) {
    // Alternate, baseline first, so drift (thermal, other load) hits both.
    const Stats old_front = Run(tenant, baseline.port(), c, seconds);
    const Stats new_front = Run(tenant, beast.port(), c, seconds);
    std::printf(
        "{\"concurrency\":%d,\"httplib_rps\":%.0f,\"beast_rps\":%.0f,\"ratio\":%.2f,"
        "\"httplib_p99_ms\":%.2f,\"beast_p99_ms\":%.2f,\"httplib_failed\":%zu,"
        "\"beast_failed\":%zu}\n",
        c, old_front.images_per_s, new_front.images_per_s,
        new_front.images_per_s / std::max(1.0, old_front.images_per_s), old_front.p99_ms,
        new_front.p99_ms, old_front.failed, new_front.failed);
    std::fflush(stdout);
  }
  beast.Stop();
  serving.join();
  return 0;
}

}  // namespace
}  // namespace kanjian::bench

int main(int argc, char** argv) {
  return kanjian::bench::Main(argc, argv);
}
