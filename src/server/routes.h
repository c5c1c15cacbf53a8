// The routes `kanjian serve` answers (docs/operators/http.md lists them):
//   *    /              the API 3.0 endpoint (ApiHandler), on the handler pool
//   GET  /healthz       {"status":"ok"}, inline
//   GET  /metrics       Prometheus text, inline
//   POST /admin/reload  model reload: loopback peers (or the admin token) with X-Kanjian-Admin
//   *    /              with X-TC-Version 2018-07-09: the billing API (billing_api/)
//   *    /console/api/  the tenant console's JSON API (console/console_api.h)
//   GET  /console/      the console's static files (console/static_files.h)
//   *    /console/operator/api/  the operator console's JSON API (console/operator_api.h)
#pragma once

#include <memory>

#include "server/admin_reload.h"
#include "server/api/api_handler.h"
#include "server/http/http_router.h"
#include "server/server_metrics.h"

namespace kanjian::vision {
class ModelRegistry;
}

namespace kanjian::server {

class BillingApiHandler;
namespace console {
class ConsoleApi;
class OperatorApi;
class StaticFiles;
}  // namespace console

// The tenants' surfaces; a null member has no route.
struct TenantRoutes {
  BillingApiHandler* billing_api = nullptr;
  console::ConsoleApi* console_api = nullptr;
  const console::StaticFiles* console_files = nullptr;
  console::OperatorApi* operator_api = nullptr;  // the operator console (same static files)
};

// A browser form cannot send a custom header, and a cross-site script that
// tries triggers a CORS preflight this server never approves: requiring
// this header makes /admin/reload unreachable from a web page.
inline constexpr char kAdminHeader[] = "x-kanjian-admin";
inline constexpr char kAdminHeaderValue[] = "reload";

// `models` may be null: then there is no /admin/reload.
HttpRouter MakeRoutes(ApiHandler& api, const ServerMetrics& metrics,
                      const std::shared_ptr<vision::ModelRegistry>& models,
                      TenantRoutes tenant = {}, AdminAccess admin = {});

}  // namespace kanjian::server
