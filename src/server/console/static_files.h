// The console's static files (HTML, ES modules, CSS) from the top-level
// console/ directory, and the vendored ECharts build from the cache, under
// /console/. Only plain names are served ([A-Za-z0-9_.-] segments, no dot
// segments, a known extension); every answer carries the console's strict
// Content-Security-Policy: scripts and styles from this server only, no
// inline scripts, no requests elsewhere.
#pragma once

#include <string>

#include "server/http_types.h"

namespace kanjian::server::console {

inline constexpr char kContentSecurityPolicy[] =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors "
    "'none'";

struct StaticOptions {
  std::string root;     // the console/ directory
  std::string echarts;  // echarts.min.js, served as /console/vendor/echarts.min.js
};

class StaticFiles {
 public:
  explicit StaticFiles(StaticOptions options) : options_(std::move(options)) {}
  // GET/HEAD /console/… ; "/console" and "/console/" serve index.html.
  HttpResponse Handle(const HttpRequest& request) const;

 private:
  const StaticOptions options_;
};

// Adds the console's security headers (CSP, nosniff, no referrer, no framing).
void AddSecurityHeaders(HttpResponse& response);

}  // namespace kanjian::server::console
