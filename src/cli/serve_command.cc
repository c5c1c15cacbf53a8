// kanjian serve: loads the models, then serves the API until SIGTERM/SIGINT,
// finishing in-flight requests before it exits.
#include <pthread.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "billing/tenant_view.h"
#include "billing/usage_meter.h"
#include "cli/commands.h"
#include "cli/install_paths.h"
#include "common/error_codes.h"
#include "protocol/actions.h"
#include "server/admin_reload.h"
#include "server/api_handler.h"
#include "server/billing_api/billing_api.h"
#include "server/console/console_api.h"
#include "server/console/operator_api.h"
#include "server/console/static_files.h"
#include "server/http_server.h"
#include "server/routes.h"
#include "server/settlement_scheduler.h"
#include "server/shared_rate_limiter.h"
#include "vision/registry/model_registry.h"
#include "vision/vision_engine.h"

namespace kanjian::cli {
namespace {

// Every default comes from the options struct that uses it (one place per
// setting): vision::VisionConfig, server::HttpOptions, server::ApiOptions.
struct ServeFlags {
  std::string listen =
      server::HttpOptions{}.host + ":" + std::to_string(server::HttpOptions{}.port);
  std::string models;
  int workers = vision::VisionConfig{}.workers;
  int intra_op_threads = vision::VisionConfig{}.intra_op_threads;
  server::HttpOptions http;  // transport limits and TLS (defaults in http_server.h)
  int request_timeout_ms = server::ApiOptions{}.request_timeout_ms;
  std::vector<std::string> qps;
  std::string models_config;  // "" = the bundled set (vision/registry/models_config.h)
  std::vector<std::string> image_url_allow;
  bool image_url_allow_loopback_for_tests = false;
  int batch_max = vision::VisionConfig{}.batch_max;
  int batch_window_ms = vision::VisionConfig{}.batch_window_ms;
  std::string product_gallery;
  std::string console_dir;  // "" = found by cli/install_paths.h
  bool replay_protection = false;
  // Billing API 3.0 reads per account and action per second (the public
  // cloud's billing reads are limited to 20/s).
  int billing_api_qps = 20;
  std::string redis;             // shared QPS limits across nodes (server/shared_rate_limiter.h)
  int cluster_nodes = 1;         // without Redis, each node allows max(1, qps / cluster_nodes)
  std::string admin_token_file;  // lets /admin/reload answer other machines (admin_reload.h)
};

Status ParseListen(const std::string& listen, server::HttpOptions* http) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0)
    return Status(errc::kInvalidConfiguration, "--listen must be HOST:PORT");
  http->host = listen.substr(0, colon);
  try {
    http->port = std::stoi(listen.substr(colon + 1));
  } catch (...) {
    return Status(errc::kInvalidConfiguration, "--listen port is not a number");
  }
  return Status::Ok();
}

// The admin token: the file's first line, at least 32 characters, in a file
// only its owner may read (like an ssh key: a token others can read is
// refused, not used).
Result<std::string> ReadAdminToken(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return Status(errc::kInvalidConfiguration, "--admin-token-file " + path + ": cannot read it");
  if (st.st_mode & 077)
    return Status(errc::kInvalidConfiguration,
                  "--admin-token-file " + path + " may be read by others: chmod 600 it");
  std::ifstream in(path);
  std::string token;
  std::getline(in, token);
  while (!token.empty() && (token.back() == '\r' || token.back() == ' ')) token.pop_back();
  if (token.size() < 32)
    return Status(errc::kInvalidConfiguration, "--admin-token-file " + path +
                                                   ": the token must be at least 32 characters " +
                                                   "(e.g. openssl rand -hex 32)");
  return token;
}

Status ParseQps(const std::vector<std::string>& flags, std::map<std::string, int>* qps) {
  for (const auto& flag : flags) {
    const size_t eq = flag.find('=');
    const std::string action = flag.substr(0, eq);
    if (eq == std::string::npos || !protocol::FindAction(action))
      return Status(errc::kInvalidConfiguration,
                    "--qps wants ACTION=N with a tiia action: " + flag);
    try {
      (*qps)[action] = std::stoi(flag.substr(eq + 1));
    } catch (...) {
      return Status(errc::kInvalidConfiguration, "--qps limit is not a number: " + flag);
    }
  }
  return Status::Ok();
}

// Transport flags (docs/operators/http.md says what each limit answers).
void AddHttpOptions(CLI::App& serve, server::HttpOptions& http) {
  serve
      .add_option("--http-threads", http.handler_threads,
                  "threads that run API requests (they wait on inference)")
      ->capture_default_str();
  serve
      .add_option("--store-threads", http.store_threads,
                  "threads that run billing API and console requests (they wait only on the store)")
      ->capture_default_str();
  serve.add_option("--io-threads", http.io_threads, "socket/TLS threads")->capture_default_str();
  serve
      .add_option("--max-body-bytes", http.max_body_bytes,
                  "larger bodies → RequestSizeLimitExceeded, never read")
      ->capture_default_str();
  serve
      .add_option("--max-buffered-body-bytes", http.max_buffered_body_bytes,
                  "all connections' bodies together; beyond → RequestLimitExceeded")
      ->capture_default_str();
  serve
      .add_option("--max-connections", http.max_connections,
                  "open connections; beyond, new ones are closed at once")
      ->capture_default_str();
  serve
      .add_option("--header-timeout-ms", http.header_timeout_ms,
                  "from a request's first byte to the end of its head")
      ->capture_default_str();
  serve.add_option("--body-timeout-ms", http.body_timeout_ms, "to read a whole body")
      ->capture_default_str();
  serve
      .add_option("--idle-timeout-ms", http.idle_timeout_ms, "keep-alive wait for the next request")
      ->capture_default_str();
  serve.add_option("--tls-cert", http.tls_cert_file, "PEM certificate chain: serve HTTPS only");
  serve.add_option("--tls-key", http.tls_key_file, "PEM private key for --tls-cert");
}

// Each connection is a descriptor: lift the soft limit to the hard one so
// --max-connections, not the default 1024 descriptors, is what binds.
void RaiseDescriptorLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

int Serve(Context& ctx, const ServeFlags& flags) {
  RaiseDescriptorLimit();
  // Signals go to the watcher thread only, so block them before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);  // reload the models config
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  server::HttpOptions http = flags.http;
  server::ApiOptions api_options;
  api_options.max_body_bytes = http.max_body_bytes;
  api_options.request_timeout_ms = flags.request_timeout_ms;
  api_options.image_url.allow = flags.image_url_allow;
  api_options.image_url.allow_loopback_for_tests = flags.image_url_allow_loopback_for_tests;
  api_options.replay_protection = flags.replay_protection;
  if (flags.replay_protection)
    spdlog::info(
        "replay protection on: a signed request seen in the last 5 minutes is refused "
        "(per process)");
  if (flags.image_url_allow_loopback_for_tests)
    spdlog::warn("--image-url-allow-loopback-for-tests: ImageUrl may reach 127.0.0.1 (tests only)");
  if (Status s = ParseListen(flags.listen, &http); !s.ok()) return ctx.Fail(s);
  if (Status s = ParseQps(flags.qps, &api_options.qps); !s.ok()) return ctx.Fail(s);
  server::AdminAccess admin;
  if (!flags.admin_token_file.empty()) {
    auto token = ReadAdminToken(flags.admin_token_file);
    if (!token.ok()) return ctx.Fail(token.status());
    admin.token = std::move(token).value();
  }

  ctx.UseRunningClock();
  // After the clock is chosen: the limiter keeps a reference to it.
  std::shared_ptr<server::SharedRateLimiter> shared_qps;
  std::string redis = flags.redis;
  if (const char* env = std::getenv("KANJIAN_REDIS"); redis.empty() && env) redis = env;
  if (!redis.empty()) {
    auto address = server::ParseRedisUrl(redis);
    if (!address.ok()) return ctx.Fail(address.status());
    shared_qps = std::make_shared<server::SharedRateLimiter>(
        server::SharedRateLimiterOptions{.address = *address, .nodes = flags.cluster_nodes},
        ctx.clock());
    api_options.shared_qps = shared_qps;
    spdlog::info("QPS limits shared through Redis {} (fallback: qps / {} per node)", redis,
                 flags.cluster_nodes);
  }
  auto accounts = ctx.accounts();
  if (!accounts.ok()) return ctx.Fail(accounts.status());
  auto store = ctx.store();

  vision::VisionConfig vision_config;
  const FoundDir models_dir = FindModelsDir(ProcessPathInputs(flags.models, "KANJIAN_MODELS"));
  LogFoundDir("models", models_dir);
  vision_config.models_dir = models_dir.path;
  vision_config.workers = flags.workers;
  vision_config.intra_op_threads = flags.intra_op_threads;
  vision_config.batch_max = flags.batch_max;
  vision_config.batch_window_ms = flags.batch_window_ms;
  // The models config names every task's file, the COCO detector included;
  // the OCR models and the product gallery come from their directories.
  // Errors name the file. SIGHUP and POST /admin/reload reload all of them.
  vision::ExtraModelDirs extra;
  extra.ocr_dir = vision_config.models_dir + "/" + vision_config.ocr_subdir;
  extra.product_gallery_dir = flags.product_gallery;
  auto registry = vision::ModelRegistry::Load(flags.models_config, vision_config.models_dir,
                                              vision_config.intra_op_threads,
                                              /*required_tasks=*/{"object_detector"}, extra);
  if (!registry.ok()) return ctx.Fail(registry.status());
  if (const auto& gallery = (*registry)->Snapshot()->product_gallery)
    spdlog::info("product gallery {}: {} products, {} photos", flags.product_gallery,
                 gallery->products(), gallery->photos());
  vision_config.registry = std::move(registry.value());
  auto vision = vision::VisionEngine::Load(vision_config);
  if (!vision.ok()) return ctx.Fail(vision.status());

  billing::BillingService billing(**store, ctx.clock());
  billing::UsageMeter meter(billing);
  server::SettlementScheduler settlement(billing, server::kSettlementInterval);
  server::ServerMetrics metrics;
  metrics.inference = &(*vision)->inference_histogram();
  metrics.queue_depth = [&] { return (*vision)->queue_depth(); };
  metrics.usage_batches = [&] { return meter.batches_written(); };
  if (shared_qps) metrics.qps_fallback_calls = [&] { return shared_qps->fallback_calls(); };
  metrics.settlement = &settlement;
  server::ApiHandler api(api_options, **accounts, billing, meter, **vision, ctx.clock(), metrics);
  // The tenants' billing API and console, on the same port.
  billing::TenantView tenant_view(billing);
  server::BillingApiOptions billing_api_options;
  billing_api_options.max_body_bytes = flags.http.max_body_bytes;
  billing_api_options.qps = flags.billing_api_qps;
  server::BillingApiHandler billing_api(billing_api_options, **accounts, tenant_view, ctx.clock(),
                                        metrics);
  server::console::ConsoleUsers console_users(**store, ctx.clock());
  server::console::ConsoleApi console_api(console_users, tenant_view, **accounts, ctx.clock());
  const FoundDir console_dir =
      FindConsoleDir(ProcessPathInputs(flags.console_dir, "KANJIAN_CONSOLE_DIR"));
  LogFoundDir("console", console_dir);
  const server::console::StaticFiles console_files(
      {console_dir.path, FindEchartsFile(console_dir.path, CacheDir())});
  // The operator console: its own sign-ins, the same engine.
  server::console::ConsoleUsers operators(**store, ctx.clock(), server::console::Realm::kOperator);
  billing::OperatorView operator_view(billing);
  server::console::OperatorApi operator_api(operators, billing, **accounts, operator_view, **store,
                                            &metrics, ctx.clock());
  server::HttpServer server(
      http,
      server::MakeRoutes(api, metrics, vision_config.registry,
                         {&billing_api, &console_api, &console_files, &operator_api}, admin),
      &metrics.http_rejected);
  if (Status s = server.Bind(); !s.ok()) return ctx.Fail(s);

  std::thread watcher([&] {
    int signal = 0;
    while (sigwait(&signals, &signal) == 0 && signal == SIGHUP) {
      // In-flight requests keep the models they started with; logs the outcome.
      (void)server::ReloadModels(*vision_config.registry, "SIGHUP");
    }
    spdlog::info("signal {}: finishing in-flight requests, then exiting", signal);
    server.Stop();
  });
  watcher.detach();
  Status served = server.Serve();
  spdlog::info("stopped");
  return served.ok() ? 0 : ctx.Fail(served);
}

}  // namespace

void AddServeCommand(CLI::App& app, Context& ctx, int* rc) {
  // Owned by the callback (so by the app), fresh for every parse.
  auto flags = std::make_shared<ServeFlags>();
  auto* serve = app.add_subcommand("serve", "serve the tiia API, /healthz and /metrics");
  serve->add_option("--listen", flags->listen, "HOST:PORT (port 0 = any free port)")
      ->capture_default_str();
  serve->add_option("--models", flags->models,
                    "model directory (default $KANJIAN_MODELS, else the installed "
                    "/usr/share/kanjian/models or ~/.cache/kanjian/models)");
  serve->add_option(
      "--models-config", flags->models_config,
      "JSON naming each task's model (default: the bundled set; see config/models.example.json); "
      "SIGHUP or POST /admin/reload from loopback reloads it");
  serve->add_option("--workers", flags->workers, "inference worker threads")->capture_default_str();
  serve
      ->add_option("--intra-op-threads", flags->intra_op_threads, "ONNX Runtime threads per worker")
      ->capture_default_str();
  AddHttpOptions(*serve, flags->http);
  serve
      ->add_option("--request-timeout-ms", flags->request_timeout_ms,
                   "→ FailedOperation.RequestTimeout")
      ->capture_default_str();
  serve->add_option("--qps", flags->qps, "per-account limit override, ACTION=N (repeatable)");
  serve
      ->add_option("--billing-api-qps", flags->billing_api_qps,
                   "billing API 3.0 requests per second, per account and action "
                   "(RequestLimitExceeded above)")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  serve->add_option(
      "--image-url-allow", flags->image_url_allow,
      "ImageUrl host allowed: HOST, .SUFFIX or * (repeatable; none = ImageUrl refused)");
  serve->add_flag("--image-url-allow-loopback-for-tests", flags->image_url_allow_loopback_for_tests,
                  "TESTS ONLY: let ImageUrl reach loopback addresses");
  serve->add_option("--batch-max", flags->batch_max, "detector micro-batch size (1 = off)")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  serve
      ->add_option("--batch-window-ms", flags->batch_window_ms,
                   "with a detector worker free, how long a batch waits for neighbours "
                   "(0: batches form from requests queued while every worker was busy)")
      ->capture_default_str()
      ->check(CLI::Range(0, 1000));
  serve->add_option("--product-gallery", flags->product_gallery,
                    "DetectProductBeta SKU gallery directory (gallery.json + photos)");
  serve->add_option("--console-dir", flags->console_dir,
                    "the tenant console's files (default $KANJIAN_CONSOLE_DIR, else console/ "
                    "beside the build dir, else /usr/share/kanjian/console)");
  serve->add_flag("--replay-protection", flags->replay_protection,
                  "refuse a signed request already received within its 5-minute window "
                  "(AuthFailure.RequestReplayed; per process, see docs/tenants/signatures.md)");
  serve->add_option(
      "--redis", flags->redis,
      "share per-account QPS limits across nodes: redis://[:PASSWORD@]HOST[:PORT][/DB] "
      "or unix:///PATH (default $KANJIAN_REDIS; none = limits per node)");
  serve
      ->add_option("--cluster-nodes", flags->cluster_nodes,
                   "nodes sharing the limits; while Redis is down each allows max(1, qps / N)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  serve->add_option("--admin-token-file", flags->admin_token_file,
                    "a file (mode 600) holding a token of 32+ characters: POST /admin/reload then "
                    "also answers other machines that send Authorization: Bearer TOKEN");
  serve->callback([&ctx, rc, flags] { *rc = Serve(ctx, *flags); });
}

}  // namespace kanjian::cli
