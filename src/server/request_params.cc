#include "server/request_params.h"

#include <string>

#include "common/error_codes.h"
#include "protocol/actions.h"

namespace kanjian::server {

Result<nlohmann::json> ParseJsonParams(std::string_view body) {
  nlohmann::json params = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (params.is_discarded() || !params.is_object())
    return Status(errc::kInvalidParameter, "the body must be a JSON object");
  return params;
}

Status CheckParameterNames(std::string_view action, const nlohmann::json& params) {
  for (const auto& [name, value] : params.items()) {
    if (!protocol::FindParameter(action, name))
      return Status(errc::kUnknownParameter,
                    "unknown parameter '" + name + "' for " + std::string(action));
  }
  return Status::Ok();
}

}  // namespace kanjian::server
