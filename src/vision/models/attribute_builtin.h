// Built-in attribute methods that need no trained attribute model. Each is
// enabled by default only where its accuracy was measured
// (docs/developers/vision/bodies_registry.md); an operator may name them in the models
// config for the attribute they were written for:
//   "phone_near_person"  玩手机识别: a COCO `cell phone` (score ≥ 0.30) whose
//                        centre is in the head region → 打电话, elsewhere in
//                        the body box → 玩手机, none → 没有电话
//   "skin_torso"         赤膊识别: share of skin pixels (YCrCb) in the torso
//                        ≥ 0.45 → 赤膊
//   "fluorescent_vest"   反光衣识别: share of fluorescent yellow-green/orange
//                        pixels (HSV) in the torso ≥ 0.12 → 有反光衣
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "vision/models/attribute_classifier.h"

namespace kanjian::vision {

// The attribute a built-in method judges ("" for an unknown method).
std::string_view BuiltinAttributeFor(std::string_view method);

Result<std::unique_ptr<AttributeClassifier>> MakeBuiltinClassifier(const std::string& attribute,
                                                                   const std::string& method);

// Exposed for tests: the pixel shares the methods threshold.
float SkinShare(const cv::Mat& bgr);
float FluorescentShare(const cv::Mat& bgr);

}  // namespace kanjian::vision
