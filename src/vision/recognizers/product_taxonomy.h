// DetectProduct's answer from COCO detections: only the COCO classes that
// are goods one can buy are products; each maps to a fine category (Name,
// Chinese) and its coarser categories (Parents, "一级-二级"). People,
// animals, vehicles on the road and street furniture are never products.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vision/models/yolo_detector.h"

namespace kanjian::vision {

struct ProductClass {
  std::string_view coco;     // detector label, e.g. "cell phone"
  std::string_view name;     // fine category, e.g. "手机"
  std::string_view parents;  // "一级-二级", e.g. "手机数码-手机通讯"
};

// The whole table (for docs and tests), in COCO order.
const std::vector<ProductClass>& ProductTaxonomy();
// nullptr when the COCO label is not a product.
const ProductClass* ProductClassFor(std::string_view coco_label);

struct Product {
  std::string name;
  std::string parents;
  int confidence = 0;  // 0..100
  Box box;             // original image pixels
  float score = 0;     // detector score 0..1
};

// DetectProduct's threshold: a product is reported at this detector score
// (0..1) or above.
inline constexpr float kProductMinScore = 0.30f;

// Product detections at or above min_score (0..1), highest score first.
// Empty when there is none; the caller maps that to errc::kNoObjectDetected.
std::vector<Product> ProductsFromDetections(const std::vector<Detection>& detections,
                                            float min_score);

// DetectProductBeta's salience: score × sqrt(box area / image area), so a
// confident object that fills the picture comes before a small one.
float ProductSalience(const Product& p, int image_width, int image_height);

}  // namespace kanjian::vision
