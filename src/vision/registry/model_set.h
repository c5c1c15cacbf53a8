// The models loaded from one ModelsConfig (the COCO detector included) plus
// the PP-OCRv4 models and the product gallery (ExtraModelDirs): immutable,
// shared by the requests that took it (model_registry.h swaps sets).
#pragma once

#include <map>
#include <memory>
#include <string>

#include "common/status.h"
#include "vision/registry/models_config.h"

namespace kanjian::vision {

class FaceDetector;
class Embedder;
class AttributeClassifier;
class YoloDetector;
class ProductGallery;
namespace ocr {
class OcrEngine;
}

// What a ModelSet loads besides the models config; fixed for a registry's
// life, re-read on every reload. `serve` passes both.
struct ExtraModelDirs {
  // PP-OCRv4 det/rec + keys (models/ocr/ocr_engine.h: RecognizeCarPro,
  // DetectEnvelope); "" = not loaded.
  std::string ocr_dir;
  // DetectProductBeta's SKU gallery (models/product_gallery.h: gallery.json +
  // photos, embedded with ClassicalProductEmbedding); "" = none.
  std::string product_gallery_dir;
};

// The models loaded from one configuration. Immutable; shared by requests.
struct ModelSet {
  ModelsConfig config;
  // Hex SHA-256 of the config entries and the files' bytes (model_set_hash.h):
  // /healthz shows it, so nodes can be compared.
  std::string hash;
  // The "object_detector" task (YOLOv5, COCO-80); null if not configured.
  // VisionEngine serves Detect() with it (vision_engine.h).
  std::shared_ptr<const YoloDetector> detector;
  std::shared_ptr<const FaceDetector> face_detector;  // null if not configured
  std::shared_ptr<const Embedder> embedder;           // null if not configured
  std::map<std::string, std::shared_ptr<const AttributeClassifier>> attributes;
  ExtraModelDirs dirs;                                    // where the two below came from
  std::shared_ptr<const ocr::OcrEngine> ocr;              // null if dirs.ocr_dir is ""
  std::shared_ptr<const ProductGallery> product_gallery;  // null if no gallery dir
};

// Loads every model of `config` and of `extra` (each error names its file).
// The set's memory goes back to the system when its last holder lets go.
Result<std::shared_ptr<const ModelSet>> LoadModelSet(ModelsConfig config, int intra_op_threads,
                                                     const ExtraModelDirs& extra = {});

}  // namespace kanjian::vision
