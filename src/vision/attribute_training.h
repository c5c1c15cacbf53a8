// Few-shot training of attribute heads (attribute_head.h) from a folder of
// labelled photos: DIR/<label>/*.{jpg,jpeg,png,bmp}, one sub-folder per API
// label of the attribute (e.g. 反光衣识别: 无反光衣/, 有反光衣/).
// Each photo → its most confident COCO person (whole photo if none, or if
// detection is off) → the attribute's body region → an embedding.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "vision/models/attribute_head.h"
#include "vision/models/yolo_detector.h"
#include "vision/registry/model_registry.h"

namespace kanjian::vision {

struct LabelledImages {
  std::vector<std::string> labels;                  // sub-folder names, in the API's order
  std::vector<std::pair<std::string, int>> images;  // path, label index
};

// Errors: DIR missing, a sub-folder that is not a label of `attribute`,
// fewer than `min_labels` labels with images (training needs 2; an
// evaluation of, say, false positives may use 1).
Result<LabelledImages> ScanLabelledFolders(const std::string& dir, const std::string& attribute,
                                           size_t min_labels = 2);

struct EmbedOptions {
  std::string region = "full";  // full | head | upper | lower
  bool detect_person = true;
  bool flip_augment = false;  // also embed the mirrored crop
};

// Embeddings of every image (two per image with flip_augment), with labels.
// `detector` may be null (then whole photos). Needs models.embedder.
Status EmbedLabelledImages(const LabelledImages& set, const ModelSet& models,
                           const YoloDetector* detector, const EmbedOptions& options,
                           std::vector<std::vector<float>>* x, std::vector<int>* y);

struct HeadEvaluation {
  int total = 0, correct = 0;
  std::vector<std::vector<int>> confusion;  // [truth][predicted]
  double accuracy() const { return total ? double(correct) / total : 0; }
};

// The head's accuracy on labelled embeddings; labels map by name.
HeadEvaluation EvaluateHead(const AttributeHead& head, const std::vector<std::string>& labels,
                            const std::vector<std::vector<float>>& x, const std::vector<int>& y);

}  // namespace kanjian::vision
