// DetectPet on an engine's pool, as the server's handler runs it: the
// shortest way for a test to send image bytes through the whole engine.
#pragma once

#include <string_view>
#include <vector>

#include "vision/actions.h"
#include "vision/vision_engine.h"

namespace kanjian::vision::testing {

inline Result<std::vector<Pet>> DetectPetOn(
    VisionEngine& engine, std::string_view image_bytes, VisionEngine::Clock::time_point deadline,
    const ImageLimits& limits = VisionEngine::PetImageLimits()) {
  return engine.RunOnImage<std::vector<Pet>>(image_bytes, limits, deadline, DetectPet);
}

}  // namespace kanjian::vision::testing
