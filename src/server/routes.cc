#include "server/routes.h"

#include "common/error_codes.h"
#include "server/admin_reload.h"

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
                      std::shared_ptr<vision::ModelRegistry> models) {
  HttpRouter router;
  router.Add({"*", "/", false, RunOn::kHandlerPool,
              [&api](const HttpRequest& req) { return Json(200, api.Handle(req).body); }});
  router.Add({"GET", "/healthz", false, RunOn::kIoThread,
              [](const HttpRequest&) { return Json(200, "{\"status\":\"ok\"}"); }});
  router.Add({"GET", "/metrics", false, RunOn::kIoThread, [&metrics](const HttpRequest&) {
                HttpResponse res = Json(200, metrics.RenderPrometheus());
                res.content_type = "text/plain; version=0.0.4";
                return res;
              }});
  if (models) {
    router.Add({"POST", "/admin/reload", false, RunOn::kHandlerPool,
                [models](const HttpRequest& req) {
                  if (req.Header(kAdminHeader) != kAdminHeaderValue) {
                    nlohmann::json error = {
                        {"Error",
                         {{"Code", errc::kUnauthorizedOperation},
                          {"Message", std::string("POST /admin/reload needs the header ") +
                                          "X-Kanjian-Admin: " + kAdminHeaderValue}}}};
                    return Json(403, error.dump());
                  }
                  AdminAnswer answer = HandleAdminReload(req.peer_address, *models);
                  return Json(answer.http_status, std::move(answer.body));
                }});
  }
  return router;
}

}  // namespace kanjian::server
