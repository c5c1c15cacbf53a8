// Body attributes (DetectChefDress / DetectSecurity, docs/api.md §5): the label
// sets, the body regions a classifier looks at, and the classifier interface
// with its three implementations — "builtin" (attribute_builtin.h), "onnx"
// (an operator's ONNX classifier) and "head" (a few-shot head on embeddings,
// attribute_head.h).
#pragma once

#include <memory>
#include <opencv2/core/mat.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "vision/models/face_detector.h"
#include "vision/models/yolo_detector.h"
#include "vision/runtime/model_spec.h"

namespace kanjian::vision {

// The label set of an attribute as the API spells it (docs/api.md §5), e.g.
// 安全帽识别 → {无安全帽, 有安全帽}; empty for an unknown attribute name.
const std::vector<std::string>& AttributeLabels(std::string_view attribute);
// The attribute names of each action, in docs/api.md order.
const std::vector<std::string>& ChefDressAttributes();
const std::vector<std::string>& SecurityAttributes();
// The label given to every attribute of a body filtered as low quality.
inline constexpr char kPreferredFiltered[] = "被优选过滤";

// What a classifier sees of one body.
struct BodyContext {
  const cv::Mat& image;                      // the whole image, BGR
  cv::Rect body;                             // the body, inside the image
  const std::vector<Detection>& detections;  // all COCO detections of the image
  const std::vector<Face>& faces;            // faces whose centre is inside the body
};

// The part of the body a classifier looks at, inside the image:
// "full" the body; "head" the best face grown 1.6x (else the top 22% of the
// body); "upper" 15%..60% of the height; "lower" 55%..100%.
cv::Rect BodyRegion(const BodyContext& body, std::string_view region);

struct AttributeJudgement {
  std::string label;     // one of AttributeLabels(attribute)
  float confidence = 0;  // 0..1
};

class AttributeClassifier {
 public:
  virtual ~AttributeClassifier() = default;
  // REQUIRES: called on an inference worker.
  virtual Result<AttributeJudgement> Judge(const BodyContext& body) const = 0;
};

// Builds the classifier `spec` names. "head" needs the embedder the head was
// trained on (null → error naming the attribute).
Result<std::unique_ptr<AttributeClassifier>> MakeAttributeClassifier(
    const AttributeSpec& spec, std::shared_ptr<const class Embedder> embedder,
    int intra_op_threads);

}  // namespace kanjian::vision
