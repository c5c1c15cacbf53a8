// RecognizeCar / RecognizeCarPro and DetectEnvelope as plain functions on the
// engine: image bytes in, results out (the handlers only format them).
#pragma once

#include <string_view>
#include <vector>

#include "vision/recognizers/envelope_recognizer.h"
#include "vision/recognizers/vehicle_recognizer.h"
#include "vision/vision_engine.h"

namespace kanjian::vision {

// Errors: image errors, pool errors (RunOnImage), kNoObjectDetected when no
// vehicle is found. `pro` reads plates.
// `limits` are the action's (protocol/actions.h).
Result<std::vector<CarTag>> RecognizeCars(VisionEngine& engine, std::string_view image_bytes,
                                          const ImageLimits& limits,
                                          VisionEngine::Clock::time_point deadline, bool pro,
                                          const VehicleOptions& options = {});

// Errors: image errors, pool errors. Never kNoObjectDetected: a photo with
// no envelope is answered 非文件封.
Result<EnvelopeResult> DetectEnvelope(VisionEngine& engine, std::string_view image_bytes,
                                      const ImageLimits& limits,
                                      VisionEngine::Clock::time_point deadline);

}  // namespace kanjian::vision
