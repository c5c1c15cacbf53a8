// The JSON body of an API 3.0 call as the handler checks it before any
// recognition: a JSON object whose names are all parameters the action
// accepts (the image, plus the action's own extras).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "common/status.h"
#include "protocol/actions.h"

namespace kanjian::server {

// True for ImageUrl, ImageBase64 and the action's own parameters.
bool KnownParameter(std::string_view action, std::string_view name);

// Parses `body`. Errors: InvalidParameter (not a JSON object, invalid UTF-8
// included), UnknownParameter (a name the action does not take).
Result<nlohmann::json> ParseRequestParams(const protocol::ActionSpec& action,
                                          std::string_view body);

}  // namespace kanjian::server
