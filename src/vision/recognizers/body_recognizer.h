// DetectChefDress / DetectSecurity (docs/api.md §5): persons from the COCO
// detector, faces from the face detector, and each attribute judged by the
// classifier the models config names for it. Attributes nothing can judge
// are left out of the answer (never guessed).
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "vision/models/attribute_classifier.h"
#include "vision/models/yolo_detector.h"
#include "vision/registry/model_set.h"

namespace kanjian::vision {

enum class BodyAction { kChefDress, kSecurity };

struct BodyAttribute {
  std::string name;
  std::string label;
  float confidence = 0;  // 0..1
};

struct Body {
  Box rect;                     // zeros when detection is off
  float detect_confidence = 0;  // 0..1; 0 when detection is off
  std::vector<BodyAttribute> attributes;
};

struct BodyOptions {
  bool enable_detect = true;
  bool enable_preferred = true;
  float person_min_score = 0.30f;
  // EnablePreferred: a body is filtered (被优选过滤) when it is small
  // (height < min_height_px or area < min_area_share of the image),
  // truncated (its box touches the image border on a side where the person
  // clearly continues: top edge, or ≥ 2 edges) or blurred (variance of the
  // Laplacian of the grey crop, at 128 px height, < min_sharpness).
  int min_height_px = 48;
  float min_area_share = 0.005f;
  float min_sharpness = 12.0f;
};

// Why a body was filtered; "" when it was not (for logs and tests).
std::string LowQualityReason(const cv::Mat& image, const cv::Rect& body,
                             const BodyOptions& options);

// Plain function on a decoded image and its detections (tests call this).
// An empty result means no person (the caller answers NoBodyInPhoto).
Result<std::vector<Body>> RecognizeBodies(const cv::Mat& image,
                                          const std::vector<Detection>& detections,
                                          const ModelSet& models, BodyAction action,
                                          const BodyOptions& options);

}  // namespace kanjian::vision
