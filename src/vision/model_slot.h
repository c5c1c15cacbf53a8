// The models one request pins when the engine admits it
// (VisionEngine::RunOnImage): the COCO detector and, when micro-batching is
// on, its own batcher (a batch never mixes two models), with the OCR engine,
// the SKU gallery and the registry's set they all came from. Immutable once
// built and shared by the requests that pinned it, so a reload never changes
// or frees a model under an in-flight request. Every action function
// (actions.h) reads its models from the slot it is given, and from nowhere
// else.
#pragma once

#include <memory>
#include <vector>

#include "common/metrics.h"
#include "common/status.h"
#include "vision/models/ocr/ocr_engine.h"
#include "vision/models/product_gallery.h"
#include "vision/models/yolo_detector.h"
#include "vision/registry/model_set.h"
#include "vision/runtime/detect_batcher.h"

namespace kanjian::vision {

struct ModelSlot {
  // The registry's set (faces, embedder, attribute classifiers); null when
  // the engine has no registry.
  std::shared_ptr<const ModelSet> models;
  std::shared_ptr<const YoloDetector> detector;           // never null
  std::unique_ptr<DetectBatcher> batcher;                 // null when batching is off
  std::shared_ptr<const ocr::OcrEngine> ocr;              // never null
  std::shared_ptr<const ProductGallery> product_gallery;  // null = no gallery
  // The engine's detector run times (kanjian_inference_ms); null = not recorded.
  metrics::Histogram* inference_ms = nullptr;

  // The COCO detector, through the batcher when batching is on; its run
  // time (decode excluded) goes to inference_ms.
  Result<std::vector<Detection>> Detect(const cv::Mat& image) const;
};

}  // namespace kanjian::vision
