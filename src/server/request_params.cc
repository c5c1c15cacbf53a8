#include "server/request_params.h"

#include "common/error_codes.h"

namespace kanjian::server {

bool KnownParameter(std::string_view action, std::string_view name) {
  if (name == "ImageUrl" || name == "ImageBase64") return true;
  if (action == "DetectProductBeta") return name == "NeedLemma";
  if (action == "DetectChefDress" || action == "DetectSecurity")
    return name == "EnableDetect" || name == "EnablePreferred";
  return false;
}

Result<nlohmann::json> ParseRequestParams(const protocol::ActionSpec& action,
                                          std::string_view body) {
  nlohmann::json params = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (params.is_discarded() || !params.is_object())
    return Status(errc::kInvalidParameter, "the body must be a JSON object");
  for (const auto& [name, value] : params.items()) {
    if (!KnownParameter(action.name, name))
      return Status(errc::kUnknownParameter,
                    "unknown parameter '" + name + "' for " + std::string(action.name));
  }
  return params;
}

}  // namespace kanjian::server
