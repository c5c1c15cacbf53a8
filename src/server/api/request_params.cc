#include "server/api/request_params.h"

#include <algorithm>

#include <string>

#include "common/error_codes.h"

namespace kanjian::server {

namespace {

// The API's parameters are a flat object of strings, numbers and Booleans;
// nothing it takes nests more than a few levels. A body of 6 MiB of '['
// would otherwise cost nlohmann a node per bracket: hundreds of MiB and
// seconds of a handler thread (docs/developers/benchmarks.md).
constexpr int kMaxJsonDepth = 16;

// Deepest nesting of [ and { outside strings (a cheap scan before parsing).
int JsonDepth(std::string_view body) {
  int depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : body) {
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
      if (deepest > kMaxJsonDepth) return deepest;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return deepest;
}

// Names echoed in messages (and so in logs) are cut: a 5 MiB key must not
// come back whole.
std::string Shown(std::string_view name) {
  constexpr size_t kMax = 64;
  if (name.size() <= kMax) return std::string(name);
  return std::string(name.substr(0, kMax)) + "…(" + std::to_string(name.size()) + " bytes)";
}

}  // namespace

std::string ShownName(std::string_view name) {
  return Shown(name);
}

Result<nlohmann::json> ParseJsonParams(std::string_view body) {
  if (JsonDepth(body) > kMaxJsonDepth)
    return Status(errc::kInvalidParameter,
                  "the body nests deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  nlohmann::json params = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (params.is_discarded() || !params.is_object())
    return Status(errc::kInvalidParameter, "the body must be a JSON object");
  return params;
}

Status CheckParameterNames(const protocol::ActionSpec& action, const nlohmann::json& params) {
  for (const auto& [name, value] : params.items()) {
    if (!protocol::FindParameter(action, name))
      return Status(errc::kUnknownParameter,
                    "unknown parameter '" + Shown(name) + "' for " + std::string(action.name));
  }
  return Status::Ok();
}

}  // namespace kanjian::server
