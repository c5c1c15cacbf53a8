// The image parameters shared by all eight actions (docs/api.md §4): ImageUrl or
// ImageBase64, size-checked before decoding.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "common/status.h"
#include "protocol/actions.h"
#include "server/api/image_fetcher.h"

namespace kanjian::server {

// Returns the raw image bytes. ImageUrl wins over ImageBase64 when both are
// given. A non-empty ImageUrl is downloaded by `fetcher` (image_fetcher.h,
// at most action.max_image_bytes); without a fetcher, or with an empty
// allow-list, it is refused with InvalidParameterValue.UrlIllegal.
Result<std::string> ImageBytesFromParams(const nlohmann::json& params,
                                         const protocol::ActionSpec& action,
                                         const ImageFetcher* fetcher = nullptr);

}  // namespace kanjian::server
