// The handler DetectChefDress and DetectSecurity share (detect_chef_dress.cc):
// EnableDetect and EnablePreferred (Booleans, default true) become
// vision::BodyOptions, and the action's bodies become
// {"Bodies":[{"Rect","DetectConfidence","Attributes"}]}.
#pragma once

#include "server/handlers/handlers.h"

namespace kanjian::server {

// vision::DetectChefDress or vision::DetectSecurity.
using BodyActionFn = Result<std::vector<vision::Body>> (*)(const cv::Mat& image,
                                                           const vision::ModelSlot& models,
                                                           const vision::BodyOptions& options);

Result<nlohmann::json> HandleBodyAction(const ActionCall& call, BodyActionFn detect_bodies);

}  // namespace kanjian::server
