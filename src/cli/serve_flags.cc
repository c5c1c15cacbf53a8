#include "cli/serve_flags.h"

#include <set>

namespace kanjian::cli {
namespace {

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

// Alerts: the dispatcher and its transports (docs/operators/configuration.md "Alerts").
void AddAlertOptions(CLI::App& serve, ServeFlags& flags) {
  serve
      .add_option("--alert-interval-ms", flags.alert_interval_ms,
                  "how often new notices are looked for and due alerts sent")
      ->capture_default_str()
      ->check(CLI::Range(10, 3'600'000));
  serve
      .add_option("--alert-retry-ms", flags.alert_retry_ms,
                  "wait after an alert's first failed attempt; doubles per attempt (at most 6 h, "
                  "8 attempts)")
      ->capture_default_str()
      ->check(CLI::Range(10, 3'600'000));
  serve.add_option("--alert-console-url", flags.alert_console_url,
                   "the console's address as tenants reach it (https://host), for links in alerts");
  serve.add_flag("--alert-allow-loopback-for-tests", flags.alert_allow_loopback_for_tests,
                 "TESTS ONLY: let alert webhooks reach loopback addresses");
  serve.add_option("--smtp-url", flags.smtp_url,
                   "SMTP server for e-mail alerts: smtp://HOST[:PORT] (STARTTLS when offered) or "
                   "smtps://HOST[:PORT]; none = e-mail alerts fail");
  serve.add_option("--smtp-from", flags.smtp_from, "the From address of e-mail alerts");
  serve.add_option("--smtp-user", flags.smtp_user, "SMTP user name (none = no authentication)");
  serve.add_option("--smtp-password", flags.smtp_password,
                   "SMTP password (prefer the config file or KANJIAN_SMTP_PASSWORD)");
}

}  // namespace

void AddServeFlags(CLI::App& serve, ServeFlags& flags) {
  serve.add_option("--listen", flags.listen, "HOST:PORT (port 0 = any free port)")
      ->capture_default_str();
  serve.add_option("--models", flags.models,
                   "model directory (default $KANJIAN_MODELS, else the installed "
                   "/usr/share/kanjian/models or ~/.cache/kanjian/models)");
  serve.add_option(
      "--models-config", flags.models_config,
      "JSON naming each task's model (default: the bundled set; see config/models.example.json); "
      "SIGHUP or POST /admin/reload from loopback reloads it");
  serve.add_option("--workers", flags.workers, "inference worker threads")->capture_default_str();
  serve.add_option("--intra-op-threads", flags.intra_op_threads, "ONNX Runtime threads per worker")
      ->capture_default_str();
  AddHttpOptions(serve, flags.http);
  serve
      .add_option("--request-timeout-ms", flags.request_timeout_ms,
                  "→ FailedOperation.RequestTimeout")
      ->capture_default_str();
  serve.add_option("--qps", flags.qps, "per-account limit override, ACTION=N (repeatable)");
  serve
      .add_option("--billing-api-qps", flags.billing_api_qps,
                  "billing API 3.0 requests per second, per account and action "
                  "(RequestLimitExceeded above)")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  serve.add_option(
      "--image-url-allow", flags.image_url_allow,
      "ImageUrl host allowed: HOST, .SUFFIX or * (repeatable; none = ImageUrl refused)");
  serve.add_flag("--image-url-allow-loopback-for-tests", flags.image_url_allow_loopback_for_tests,
                 "TESTS ONLY: let ImageUrl reach loopback addresses");
  serve.add_option("--batch-max", flags.batch_max, "detector micro-batch size (1 = off)")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  serve
      .add_option("--batch-window-ms", flags.batch_window_ms,
                  "with a detector worker free, how long a batch waits for neighbours "
                  "(0: batches form from requests queued while every worker was busy)")
      ->capture_default_str()
      ->check(CLI::Range(0, 1000));
  serve.add_option("--product-gallery", flags.product_gallery,
                   "DetectProductBeta SKU gallery directory (gallery.json + photos)");
  serve.add_option("--console-dir", flags.console_dir,
                   "the tenant console's files (default $KANJIAN_CONSOLE_DIR, else console/ "
                   "beside the build dir, else /usr/share/kanjian/console)");
  serve.add_flag("--replay-protection", flags.replay_protection,
                 "refuse a signed request already received within its 5-minute window "
                 "(AuthFailure.RequestReplayed; per process, see README \"Signatures\")");
  serve.add_option(
      "--redis", flags.redis,
      "share per-account QPS limits across nodes: redis://[:PASSWORD@]HOST[:PORT][/DB] "
      "or unix:///PATH (default $KANJIAN_REDIS; none = limits per node)");
  serve
      .add_option("--cluster-nodes", flags.cluster_nodes,
                  "nodes sharing the limits; while Redis is down each allows max(1, qps / N)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  serve.add_option("--admin-token-file", flags.admin_token_file,
                   "a file (mode 600) holding a token of 32+ characters: POST /admin/reload then "
                   "also answers other machines that send Authorization: Bearer TOKEN");
  serve
      .add_option("--log-format", flags.log_format,
                  "text: lines on stderr; json: one JSON object a line on stdout (journald)")
      ->capture_default_str()
      ->check(CLI::IsMember({"text", "json"}));
  serve.add_option("--log-file", flags.log_file,
                   "also append the log to this file (same format); SIGUSR1 reopens it "
                   "(deploy/logrotate/kanjian)");
  serve
      .add_option("--log-level", flags.log_level,
                  "trace, debug, info, warn, error or off (SIGHUP applies a changed one)")
      ->capture_default_str()
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));
  AddAlertOptions(serve, flags);
}

bool IsLiveSetting(const std::string& key) {
  static const std::set<std::string> kLive = {"qps", "log-level"};
  return kLive.contains(key);
}

}  // namespace kanjian::cli
