// serve's settings, declared once: the flags `serve` and `config check`
// both parse (so the two cannot drift), and which of them a running server
// can take on SIGHUP. Every flag is also a config file key and an
// environment variable (cli/settings.h).
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "billing/alerts/alert_service.h"
#include "server/api/api_handler.h"
#include "server/http/http_server.h"
#include "server/jobs/alert_scheduler.h"
#include "vision/vision_engine.h"

namespace kanjian::cli {

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
  // "" = console/ next to the build directory (server/console/static_files.h)
  std::string console_dir;
  bool replay_protection = false;
  // Billing API 3.0 reads per account and action per second (the public
  // cloud's billing reads are limited to 20/s).
  int billing_api_qps = 20;
  std::string redis;             // QPS limits across nodes (server/limits/shared_rate_limiter.h)
  int cluster_nodes = 1;         // without Redis, each node allows max(1, qps / cluster_nodes)
  std::string admin_token_file;  // lets /admin/reload answer other machines (admin_reload.h)
  // Logging (common/logging.h).
  std::string log_format = "text";  // text (stderr) or json (JSON lines on stdout)
  std::string log_file;             // "" = no file; reopened on SIGUSR1
  std::string log_level = "info";
  // Alerts (billing/alerts/alert_service.h, server/jobs/alert_transport.h).
  int alert_interval_ms = static_cast<int>(server::kAlertInterval.count());
  int alert_retry_ms = static_cast<int>(billing::AlertOptions{}.first_retry / 1000);
  std::string alert_console_url;
  bool alert_allow_loopback_for_tests = false;
  std::string smtp_url, smtp_from, smtp_user, smtp_password;
};

// Adds serve's flags to `command`, bound to `flags`.
void AddServeFlags(CLI::App& command, ServeFlags& flags);

// The settings a running server takes on SIGHUP: qps and log-level apply at
// once. Every other one needs a restart (SIGHUP still reloads the models
// from the models config the server started with).
bool IsLiveSetting(const std::string& key);

}  // namespace kanjian::cli
