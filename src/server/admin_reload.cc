#include "server/admin_reload.h"

#include <arpa/inet.h>
#include <spdlog/spdlog.h>

#include <cstring>
#include <string>

#include "common/build_info.h"
#include "common/crypto.h"
#include "common/error_codes.h"
#include "protocol/envelope.h"
#include "vision/models/product_gallery.h"
#include "vision/registry/model_registry.h"

namespace kanjian::server {
namespace {

nlohmann::json ErrorJson(ErrorCode code, const std::string& message) {
  return {{"Error", protocol::ErrorJson(Status(code, message))}};
}

// What a reload installed: every task's file and each attribute's model file.
nlohmann::json ModelsJson(const vision::ModelSet& set) {
  nlohmann::json models = nlohmann::json::array();
  for (const auto& [task, spec] : set.config.tasks)
    models.push_back({{"Task", task}, {"File", spec.path}});
  for (const auto& [name, spec] : set.config.attributes) {
    if (spec.method == "builtin") continue;
    models.push_back({{"Task", "attribute:" + name}, {"File", spec.model.path}});
  }
  // Outside the config: the PP-OCRv4 directory and the gallery's metadata.
  if (set.ocr) models.push_back({{"Task", "ocr"}, {"File", set.dirs.ocr_dir}});
  if (set.product_gallery) {
    models.push_back({{"Task", "product_gallery"},
                      {"File", set.dirs.product_gallery_dir + "/gallery.json"},
                      {"Products", set.product_gallery->products()},
                      {"Photos", set.product_gallery->photos()}});
  }
  return models;
}

}  // namespace

bool IsLoopbackAddress(std::string_view address) {
  const std::string a(address);
  in_addr v4{};
  if (inet_pton(AF_INET, a.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (inet_pton(AF_INET6, a.c_str(), &v6) != 1) return false;
  if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
  return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;
}

ReloadOutcome ReloadModels(vision::ModelRegistry& registry, std::string_view trigger) {
  Status reloaded = registry.Reload();
  if (!reloaded.ok()) {
    spdlog::error("{}: model reload failed, keeping the current models: {}", trigger,
                  reloaded.ToString());
    return {false, ErrorJson(errc::kModelReloadFailed, reloaded.message())};
  }
  // A reload that lands right after this one may already have replaced the
  // set; the answer then names the newer models, which are in service.
  auto set = registry.Snapshot();
  spdlog::info("{}: models reloaded from {}", trigger, set->config.source);
  return {true,
          {{"Reloaded", true},
           {"Source", set->config.source},
           {"Hash", set->hash},
           {"Models", ModelsJson(*set)}}};
}

nlohmann::json HealthJson(const vision::ModelSet& set) {
  nlohmann::json health = HealthJson();
  health["ModelSet"] = {{"Source", set.config.source}, {"Hash", set.hash}};
  return health;
}

nlohmann::json HealthJson() {
  return {{"status", "ok"}, {"Version", BuildVersion()}, {"Commit", BuildCommit()}};
}

AdminAnswer HandleAdminReload(std::string_view peer_address, std::string_view authorization,
                              const AdminAccess& access, vision::ModelRegistry& registry) {
  constexpr std::string_view kBearer = "Bearer ";
  const bool token_ok =
      !access.token.empty() && authorization.starts_with(kBearer) &&
      crypto::ConstantTimeEquals(authorization.substr(kBearer.size()), access.token);
  if (!IsLoopbackAddress(peer_address) && !token_ok) {
    spdlog::warn("POST /admin/reload from {} refused: {}", peer_address,
                 access.token.empty() ? "loopback only" : "not loopback, no valid admin token");
    return {403, ErrorJson(errc::kUnauthorizedOperation,
                           access.token.empty()
                               ? "/admin/reload is accepted only from a loopback address"
                               : "/admin/reload needs a loopback address or "
                                 "Authorization: Bearer with the node's admin token")
                     .dump()};
  }
  ReloadOutcome outcome = ReloadModels(registry, "POST /admin/reload");
  return {outcome.ok ? 200 : 500, outcome.body.dump()};
}

}  // namespace kanjian::server
