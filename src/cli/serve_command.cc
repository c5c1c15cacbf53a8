// kanjian serve: loads the models, then serves the API until SIGTERM/SIGINT,
// finishing in-flight requests before it exits.
#include <pthread.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "billing/usage_meter.h"
#include "billing/views/tenant_view.h"
#include "cli/commands.h"
#include "cli/install_paths.h"
#include "cli/serve_flags.h"
#include "cli/settings.h"
#include "common/error_codes.h"
#include "common/logging.h"
#include "protocol/actions.h"
#include "server/admin_reload.h"
#include "server/api/api_handler.h"
#include "server/billing_api/billing_api.h"
#include "server/console/console_api.h"
#include "server/console/operator_api.h"
#include "server/console/static_files.h"
#include "server/http/http_server.h"
#include "server/jobs/alert_transport.h"
#include "server/jobs/settlement_scheduler.h"
#include "server/limits/shared_rate_limiter.h"
#include "server/routes.h"
#include "vision/registry/model_registry.h"
#include "vision/vision_engine.h"

namespace kanjian::cli {
namespace {

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

// Each connection is a descriptor: lift the soft limit to the hard one so
// --max-connections, not the default 1024 descriptors, is what binds.
void RaiseDescriptorLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

std::string Shown(const ResolvedSetting& s) {
  std::string out;
  for (const auto& v : s.values) out += (out.empty() ? "" : ",") + RedactSetting(s.key, v);
  return out.empty() ? "(none)" : out;
}

// SIGHUP: serve's settings resolved again from the same flags, the
// environment and the config file re-read. A changed qps or log-level is
// applied at once; any other changed setting is logged as needing a restart
// (the server keeps the value it started with). `running` is what is in
// effect, updated as live settings change.
void ReloadSettings(std::vector<ResolvedSetting>& running, const GlobalOptions& options,
                    server::ApiHandler& api) {
  CLI::App fresh;
  ServeFlags flags;
  AddServeFlags(fresh, flags);
  std::shared_ptr<const ConfigFile> file;
  Result<std::vector<ResolvedSetting>> now = [&]() -> Result<std::vector<ResolvedSetting>> {
    for (const auto& s : running) {
      if (s.source != "flag" || s.key == "db") continue;
      CLI::Option* option = fresh.get_option("--" + s.key);
      for (const auto& v : s.values) option->add_result(v);
      option->run_callback();
    }
    if (!options.config_path.empty()) {
      ASSIGN_OR_RETURN(auto loaded, ConfigFile::Load(options.config_path));
      file = std::move(loaded);
    }
    return ResolveSettings(fresh, file.get(), ProcessEnv, {"db"});
  }();
  if (!now.ok()) {
    spdlog::error("SIGHUP: settings unchanged: {}", now.status().message());
    return;
  }
  // db is a global option: only a change through the file can be seen here.
  if (options.db_source == "file" || options.db_source == "default") {
    const auto* entry = file ? file->Find("db") : nullptr;
    const std::string db = entry && !entry->words.empty()   ? entry->words.front()
                           : options.db_source == "default" ? options.db
                                                            : "";
    if (db != options.db)
      spdlog::warn("SIGHUP: db changed to {} in {}: it takes effect at restart", RedactSecrets(db),
                   options.config_path);
  }
  for (const ResolvedSetting& next : *now) {
    auto it = std::find_if(running.begin(), running.end(),
                           [&](const ResolvedSetting& s) { return s.key == next.key; });
    if (it == running.end() || it->values == next.values) continue;
    const std::string where = next.where.empty() ? next.source : next.where;
    if (!IsLiveSetting(next.key)) {
      spdlog::warn("SIGHUP: {} changed from {} to {} ({}): it takes effect at restart", next.key,
                   Shown(*it), Shown(next), where);
      continue;
    }
    if (next.key == "qps") {
      std::map<std::string, int> qps;
      if (Status s = ParseQps(next.values, &qps); !s.ok()) {
        spdlog::error("SIGHUP: qps unchanged: {}", s.message());
        continue;
      }
      api.SetQpsOverrides(std::move(qps));
    } else if (next.key == "log-level") {
      if (Status s = logging::SetLogLevel(next.values.front()); !s.ok()) {
        spdlog::error("SIGHUP: log-level unchanged: {}", s.message());
        continue;
      }
    }
    spdlog::info("SIGHUP: {} changed from {} to {} ({})", next.key, Shown(*it), Shown(next), where);
    *it = next;
  }
}

int Serve(Context& ctx, const ServeFlags& flags, std::vector<ResolvedSetting> settings) {
  RaiseDescriptorLimit();
  if (Status s = logging::ConfigureLogging({flags.log_format, flags.log_file, flags.log_level});
      !s.ok())
    return ctx.Fail(s);
  // Signals go to the watcher thread only, so block them before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);   // reload the models and the live settings
  sigaddset(&signals, SIGUSR1);  // reopen the log file
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  if (!ctx.options().config_path.empty()) spdlog::info("config file {}", ctx.options().config_path);

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
  if (!flags.smtp_url.empty() && flags.smtp_from.empty())
    return ctx.Fail(Status(errc::kInvalidParameterValue, "smtp-url needs smtp-from"));
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
  const std::string& redis = flags.redis;
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
  metrics.billed_calls = [&] { return billing.BilledCallsBySource(); };
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
  auth::ConsoleUsers console_users(**store, ctx.clock());
  // Alerts: notices sent to tenants by e-mail and webhook, on their own thread.
  billing::AlertService alerts(**store, tenant_view, *ctx.master_box(), ctx.clock(),
                               {.first_retry = int64_t{flags.alert_retry_ms} * 1000,
                                .console_url = flags.alert_console_url});
  server::CurlAlertTransport alert_transport(
      {.smtp_url = flags.smtp_url,
       .smtp_from = flags.smtp_from,
       .smtp_user = flags.smtp_user,
       .smtp_password = flags.smtp_password,
       .allow_loopback_for_tests = flags.alert_allow_loopback_for_tests});
  if (flags.alert_allow_loopback_for_tests)
    spdlog::warn(
        "--alert-allow-loopback-for-tests: alert webhooks may reach 127.0.0.1 (tests only)");
  server::AlertScheduler alert_scheduler(alerts, alert_transport,
                                         std::chrono::milliseconds(flags.alert_interval_ms));
  server::console::ConsoleApi console_api(console_users, tenant_view, **accounts, ctx.clock(),
                                          &alerts);
  const FoundDir console_dir =
      FindConsoleDir(ProcessPathInputs(flags.console_dir, "KANJIAN_CONSOLE_DIR"));
  LogFoundDir("console", console_dir);
  const server::console::StaticFiles console_files(
      {console_dir.path, FindEchartsFile(console_dir.path, CacheDir())});
  // The operator console: its own sign-ins, the same engine.
  auth::ConsoleUsers operators(**store, ctx.clock(), auth::Realm::kOperator);
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
    while (sigwait(&signals, &signal) == 0 && (signal == SIGHUP || signal == SIGUSR1)) {
      if (signal == SIGUSR1) {
        if (Status s = logging::ReopenLogFile(); !s.ok()) spdlog::error("SIGUSR1: {}", s.message());
        continue;
      }
      ReloadSettings(settings, ctx.options(), api);
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
  AddServeFlags(*serve, *flags);
  serve->callback([&ctx, rc, flags, serve] {
    // Each flag left unset takes the environment's value, else the file's.
    auto settings = ResolveServeSettings(*serve, ctx.options());
    *rc = settings.ok() ? Serve(ctx, *flags, std::move(settings).value())
                        : ctx.Fail(settings.status());
  });
}

}  // namespace kanjian::cli
