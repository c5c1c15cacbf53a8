// DetectChefDress / DetectSecurity as a plain function on the engine: image
// bytes in, bodies out (recognisers/body_recognizer.h judges them; the
// handler only formats them).
#pragma once

#include <chrono>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "vision/recognizers/body_recognizer.h"
#include "vision/registry/model_registry.h"
#include "vision/runtime/image_decode.h"

namespace kanjian::vision {

class VisionEngine;

// Image bytes → bodies, on the engine's pool, with the registry snapshot
// taken now (a reload during the request does not affect it). Errors: image
// errors (`limits`: the action's row of protocol/actions.h, docs/api.md §4),
// queue full, timeout, kNoBodyInPhoto.
Result<std::vector<Body>> DetectBodies(VisionEngine& engine, const ModelRegistry& registry,
                                       BodyAction action, const BodyOptions& options,
                                       std::string_view image_bytes, const ImageLimits& limits,
                                       std::chrono::steady_clock::time_point deadline);

}  // namespace kanjian::vision
