// The routes `kanjian serve` answers (docs/http.md lists them):
//   *    /              the API 3.0 endpoint (ApiHandler), on the handler pool
//   GET  /healthz       {"status":"ok"}, inline
//   GET  /metrics       Prometheus text, inline
//   POST /admin/reload  model reload: loopback peers with X-Kanjian-Admin only
#pragma once

#include <memory>

#include "server/api_handler.h"
#include "server/http_router.h"
#include "server/server_metrics.h"

namespace kanjian::vision {
class ModelRegistry;
}

namespace kanjian::server {

// A browser form cannot send a custom header, and a cross-site script that
// tries triggers a CORS preflight this server never approves: requiring
// this header makes /admin/reload unreachable from a web page.
inline constexpr char kAdminHeader[] = "x-kanjian-admin";
inline constexpr char kAdminHeaderValue[] = "reload";

// `models` may be null: then there is no /admin/reload.
HttpRouter MakeRoutes(ApiHandler& api, const ServerMetrics& metrics,
                      std::shared_ptr<vision::ModelRegistry> models);

}  // namespace kanjian::server
