// The model registry: which ONNX file serves each task, how an image becomes
// its input tensor and how its output is decoded — from a JSON file
// (`serve --models-config FILE`) or the bundled set. The contract per task is
// documented in config/models.example.json and docs/vision/bodies_registry.md.
//
//   ModelsConfig   parsed + validated configuration (no models loaded)
//   ModelSet       the models loaded from one ModelsConfig (the COCO detector
//                  included) plus the PP-OCRv4 models and the product
//                  gallery (ExtraModelDirs), immutable
//   ModelRegistry  holds the current ModelSet; Reload() builds a new one and
//                  swaps a shared_ptr, so in-flight requests keep the old one
#pragma once

#include <array>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <opencv2/core/mat.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "vision/onnx_session.h"

namespace Ort {
struct Session;
}

namespace kanjian::vision {

// How an image becomes a float input tensor:
//   v = pixel(0..255) * scale; v = (v - mean[c]) / std[c]
// with channels in `rgb` (else BGR) order, `layout` NCHW or NHWC, the image
// stretched to width x height or letterboxed (aspect kept, padded with `pad`).
struct InputSpec {
  enum class Layout { kNCHW, kNHWC };
  enum class Resize { kStretch, kLetterbox };
  int width = 0;
  int height = 0;
  Layout layout = Layout::kNCHW;
  bool rgb = true;
  float scale = 1.0f / 255;
  std::array<float, 3> mean = {0, 0, 0};
  std::array<float, 3> std = {1, 1, 1};
  Resize resize = Resize::kStretch;
  int pad = 114;
};

// Where the image went inside the tensor: input = (orig * scale) + pad.
struct InputGeometry {
  float scale_x = 1, scale_y = 1;
  int pad_x = 0, pad_y = 0;
};

// Writes one BGR image into dst (3 * width * height floats).
// REQUIRES: bgr non-empty CV_8UC3, spec.width/height > 0.
InputGeometry FillInputTensor(const cv::Mat& bgr, const InputSpec& spec, float* dst);

// Parses {"width","height","layout","channels","scale","mean","std","resize","pad"}.
Result<InputSpec> ParseInputSpec(const nlohmann::json& j, const std::string& where);

// One task's model.
struct ModelSpec {
  std::string task;    // e.g. "face_detector"
  std::string path;    // resolved absolute path of the ONNX (or head JSON) file
  InputSpec input;
  std::vector<std::string> labels;
  std::string decode;  // output decoding kind, see kTaskDecodes in the .cc
  nlohmann::json raw;  // the whole entry: task-specific extras (thresholds…)
};

// How one body attribute (e.g. 安全帽识别) is judged.
struct AttributeSpec {
  std::string name;     // the API attribute name
  std::string method;   // "builtin" | "onnx" | "head"
  std::string builtin;  // for "builtin": the method's name (attribute_builtin.h)
  std::string region;   // crop fed to onnx/head: "full" | "head" | "upper" | "lower"
  ModelSpec model;      // for "onnx" (ONNX file) and "head" (trained head JSON)
};

struct ModelsConfig {
  std::string source;      // the config file, or "(bundled)"
  std::string models_dir;  // relative "file"s resolve against it
  std::map<std::string, ModelSpec> tasks;
  std::map<std::string, AttributeSpec> attributes;
  // nullptr when the task is not configured.
  const ModelSpec* Find(std::string_view task) const;
};

// The bundled set, as a config document with files relative to models_dir.
nlohmann::json BundledModelsConfig();

// Validates everything that can be checked without loading: known tasks and
// decode kinds, known attribute names and labels, files present. Errors name
// the config file, the entry and the model file.
Result<ModelsConfig> ParseModelsConfig(const nlohmann::json& doc, const std::string& models_dir,
                                       const std::string& source);
// `file` empty → the bundled set. `models_dir` is the default for relative
// paths (a "models_dir" key in the file overrides it).
Result<ModelsConfig> LoadModelsConfig(const std::string& file, const std::string& models_dir);

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
  // PP-OCRv4 det/rec + keys (ocr_engine.h: RecognizeCarPro, DetectEnvelope);
  // "" = not loaded.
  std::string ocr_dir;
  // DetectProductBeta's SKU gallery (product_gallery.h: gallery.json +
  // photos, embedded with ClassicalProductEmbedding); "" = none.
  std::string product_gallery_dir;
};

// The models loaded from one configuration. Immutable; shared by requests.
struct ModelSet {
  ModelsConfig config;
  // The "object_detector" task (YOLOv5, COCO-80); null if not configured.
  // VisionEngine serves Detect() with it (vision_engine.h).
  std::shared_ptr<const YoloDetector> detector;
  std::shared_ptr<const FaceDetector> face_detector;  // null if not configured
  std::shared_ptr<const Embedder> embedder;           // null if not configured
  std::map<std::string, std::shared_ptr<const AttributeClassifier>> attributes;
  ExtraModelDirs dirs;                                  // where the two below came from
  std::shared_ptr<const ocr::OcrEngine> ocr;            // null if dirs.ocr_dir is ""
  std::shared_ptr<const ProductGallery> product_gallery;  // null if no gallery dir
};

// Loads every model of `config` and of `extra` (each error names its file).
Result<std::shared_ptr<const ModelSet>> LoadModelSet(ModelsConfig config, int intra_op_threads,
                                                     const ExtraModelDirs& extra = {});

// Thread-safe holder of the current ModelSet.
class ModelRegistry {
 public:
  // `required_tasks` must be configured, at start and in every reload (the
  // server requires "object_detector"); a config that drops one is refused.
  // `extra` (OCR, product gallery) is loaded into every set, re-read from
  // its directories on each reload.
  static Result<std::unique_ptr<ModelRegistry>> Load(std::string config_file,
                                                     std::string models_dir,
                                                     int intra_op_threads = 1,
                                                     std::vector<std::string> required_tasks = {},
                                                     ExtraModelDirs extra = {});
  // The current models; a request keeps its snapshot until it finishes.
  std::shared_ptr<const ModelSet> Snapshot() const;
  // Re-reads the config file and reloads every model, the OCR models and the
  // gallery directory (gallery.json and its photos) included; on any error
  // (config unreadable or invalid, a model file missing or refused by ONNX
  // Runtime, a gallery photo unreadable: the message names the file) the
  // old set stays in service and the error is returned. Reloads run one at
  // a time; requests are never blocked by one, only the final pointer swap
  // takes mu_.
  Status Reload();
  // Installs a set built elsewhere (tests).
  void Swap(std::shared_ptr<const ModelSet> set);
  const std::string& config_file() const { return config_file_; }

 private:
  ModelRegistry(std::string config_file, std::string models_dir, int threads,
                std::vector<std::string> required_tasks, ExtraModelDirs extra,
                std::shared_ptr<const ModelSet> set);

  // Reads the config file and loads its models and `extra`; installs nothing.
  static Result<std::shared_ptr<const ModelSet>> LoadFromFile(
      const std::string& config_file, const std::string& models_dir, int threads,
      const std::vector<std::string>& required_tasks, const ExtraModelDirs& extra);

  // Constant after construction.
  const std::string config_file_;
  const std::string models_dir_;
  const int intra_op_threads_;
  const std::vector<std::string> required_tasks_;
  const ExtraModelDirs extra_;
  std::mutex reload_mu_;  // one Reload at a time
  mutable std::mutex mu_;
  std::shared_ptr<const ModelSet> current_;  // guarded by mu_
};

}  // namespace kanjian::vision
