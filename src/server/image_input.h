// The image parameters shared by all eight actions (api.md §4): ImageUrl or
// ImageBase64, size-checked before decoding.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "common/status.h"
#include "protocol/actions.h"

namespace kanjian::server {

// Returns the raw image bytes. ImageUrl wins over ImageBase64 when both are
// given; URL fetching is disabled in this build, so any ImageUrl is refused
// with InvalidParameterValue.UrlIllegal (README "ImageUrl").
Result<std::string> ImageBytesFromParams(const nlohmann::json& params,
                                         const protocol::ActionSpec& action);

}  // namespace kanjian::server
