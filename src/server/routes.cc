#include "server/routes.h"

#include "common/error_codes.h"
#include "protocol/envelope.h"
#include "server/admin_reload.h"
#include "server/billing_api/billing_api.h"
#include "server/console/console_api.h"
#include "server/console/operator_api.h"
#include "server/console/static_files.h"
#include "vision/registry/model_registry.h"

namespace kanjian::server {
namespace {

HttpResponse Json(int status, std::string body) {
  HttpResponse res;
  res.status = status;
  res.body = std::move(body);
  return res;
}

}  // namespace

HttpRouter MakeRoutes(ApiHandler& api, const ServerMetrics& metrics,
                      const std::shared_ptr<vision::ModelRegistry>& models, TenantRoutes tenant,
                      AdminAccess admin) {
  HttpRouter router;
  // The billing service shares the endpoint; its version tells it apart.
  // It waits only on the store, so it runs on the store pool.
  if (tenant.billing_api) {
    router.Add(
        {"*", "/", false, RunOn::kStorePool,
         [tenant](const HttpRequest& req) { return Json(200, tenant.billing_api->Handle(req)); },
         [](const HttpRequest& req) { return req.Header("x-tc-version") == kBillingApiVersion; }});
  }
  router.Add({"*", "/", false, RunOn::kHandlerPool,
              [&api](const HttpRequest& req) { return Json(200, api.Handle(req).body); }});
  if (tenant.console_api) {
    router.Add({"*", "/console/api/", true, RunOn::kStorePool, [tenant](const HttpRequest& req) {
                  HttpResponse res = tenant.console_api->Handle(req);
                  console::AddSecurityHeaders(res);
                  return res;
                }});
  }
  if (tenant.operator_api) {
    router.Add({"*", console::kOperatorApiPrefix, true, RunOn::kStorePool,
                [tenant](const HttpRequest& req) {
                  HttpResponse res = tenant.operator_api->Handle(req);
                  console::AddSecurityHeaders(res);
                  return res;
                }});
  }
  if (tenant.console_files) {
    for (const char* method : {"GET", "HEAD"}) {
      for (const char* path : {"/console", "/console/"}) {
        router.Add(
            {method, path, std::string(path) == "/console/", RunOn::kHandlerPool,
             [tenant](const HttpRequest& req) { return tenant.console_files->Handle(req); }});
      }
    }
  }
  // 200 whenever serving (HAProxy checks the status only); the body names
  // the model set, so a rolling reload can wait for a node to run the new one.
  router.Add({"GET", "/healthz", false, RunOn::kIoThread, [models](const HttpRequest&) {
                if (!models) return Json(200, HealthJson().dump());
                return Json(200, HealthJson(*models->Snapshot()).dump());
              }});
  router.Add({"GET", "/metrics", false, RunOn::kIoThread, [&metrics](const HttpRequest&) {
                HttpResponse res = Json(200, metrics.RenderPrometheus());
                res.content_type = "text/plain; version=0.0.4";
                return res;
              }});
  if (models) {
    router.Add({"POST", "/admin/reload", false, RunOn::kHandlerPool,
                [models, admin = std::move(admin)](const HttpRequest& req) {
                  if (req.Header(kAdminHeader) != kAdminHeaderValue) {
                    nlohmann::json error = {
                        {"Error", protocol::ErrorJson(Status::UnauthorizedOperation(
                                      std::string("POST /admin/reload needs the header ") +
                                      "X-Kanjian-Admin: " + kAdminHeaderValue))}};
                    return Json(403, error.dump());
                  }
                  AdminAnswer answer = HandleAdminReload(
                      req.peer_address, req.Header("authorization"), admin, *models);
                  return Json(answer.http_status, std::move(answer.body));
                }});
  }
  return router;
}

}  // namespace kanjian::server
