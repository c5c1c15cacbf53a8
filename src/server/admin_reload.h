// Model reload for the operator: the one function SIGHUP and
// POST /admin/reload both call, and the HTTP route's plain handler.
//
// POST /admin/reload is an operator endpoint, not part of the tiia API: it
// needs no signature, so it is accepted only from a loopback peer
// (127.0.0.0/8, ::1, or ::ffff:127.x.x.x on a dual-stack socket) or, when
// the node has an admin token (`serve --admin-token-file`), from a peer
// that sends it (`Authorization: Bearer TOKEN`: a rolling reload across
// machines); any other peer gets HTTP 403. The peer is the TCP peer address; headers such
// as X-Forwarded-For are never trusted. A reverse proxy on the same host
// makes every customer a loopback peer, so it must forward only `/`
// (docs/operators/configuration.md).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace kanjian::vision {
class ModelRegistry;
struct ModelSet;
}  // namespace kanjian::vision

namespace kanjian::server {

// True for 127.0.0.0/8, ::1 and IPv4-mapped 127.0.0.0/8 in numeric form
// (as getnameinfo writes it); false for anything else, names included.
bool IsLoopbackAddress(std::string_view address);

struct ReloadOutcome {
  bool ok = false;
  // {"Reloaded":true,"Source":"…","Hash":"…","Models":[{"Task","File"}…]} (OCR as
  // Task "ocr", the gallery as "product_gallery" with its Products/Photos) or
  // {"Error":{"Code":"FailedOperation.ModelReloadFailed","Message":"…"}},
  // the message naming the config or model file at fault.
  nlohmann::json body;
};

// Reloads every model the registry's config names (ModelRegistry::Reload:
// in-flight requests finish on the models they started with, a failure
// changes nothing) and logs the outcome with `trigger` ("SIGHUP", …).
ReloadOutcome ReloadModels(vision::ModelRegistry& registry, std::string_view trigger);

// GET /healthz: {"status":"ok","Version":"0.9.0","Commit":"abc…"} (common/build_info.h),
// and with models "ModelSet":{"Source": config file or "(bundled)","Hash":
// hex SHA-256 of the set (model_set_hash.h)}.
nlohmann::json HealthJson();
nlohmann::json HealthJson(const vision::ModelSet& set);

struct AdminAnswer {
  int http_status = 200;  // 200 reloaded, 403 not loopback, 500 reload failed
  std::string body;       // JSON
};

// Who may reload: loopback peers always; others with `token` ("" = none).
struct AdminAccess {
  std::string token;  // from --admin-token-file: at least 32 characters
};

// POST /admin/reload from `peer_address`, with the request's Authorization
// header `authorization` ("" if none).
AdminAnswer HandleAdminReload(std::string_view peer_address, std::string_view authorization,
                              const AdminAccess& access, vision::ModelRegistry& registry);

}  // namespace kanjian::server
