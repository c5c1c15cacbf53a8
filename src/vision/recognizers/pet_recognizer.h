// DetectPet's answer from COCO detections: cats and dogs only (the bundled
// models cannot tell breeds, so Name is "cat" or "dog").
#pragma once

#include <string>
#include <vector>

#include "vision/models/yolo_detector.h"

namespace kanjian::vision {

struct Pet {
  std::string name;  // "cat" or "dog"
  int score = 0;     // 0..100
  Box location;      // original image pixels
};

// DetectPet's threshold: a cat or dog is reported at this detector score
// (0..1) or above (docs/tenants/errors.md).
inline constexpr float kPetMinScore = 0.30f;

// Cat/dog detections at or above min_score (0..1), highest score first.
// Empty when there is none; the caller maps that to errc::kNoObjectDetected.
std::vector<Pet> PetsFromDetections(const std::vector<Detection>& detections, float min_score);

}  // namespace kanjian::vision
