// The vision layer's front door: owns the models and the inference pool and
// offers one plain function per action. No HTTP, no money.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/metrics.h"
#include "common/error_codes.h"
#include "common/status.h"
#include "vision/image_decode.h"
#include "vision/inference_pool.h"
#include "vision/ocr/ocr_engine.h"
#include "vision/pet_recognizer.h"
#include "vision/detect_batcher.h"
#include "vision/product_gallery.h"
#include "vision/yolo_detector.h"

namespace kanjian::vision {

struct VisionConfig {
  std::string models_dir;                      // holds yolov5s.onnx
  std::string detector_file = "yolov5s.onnx";  // relative to models_dir
  int workers = 2;
  size_t queue_max = 64;
  int detector_input = 640;
  int intra_op_threads = 1;  // per worker
  float detector_score_threshold = 0.25f;
  float pet_min_score = 0.30f;  // 0..1
  // Micro-batching of the detector (detect_batcher.h); batch_max 1 = off.
  // With batching on, the pool runs workers × batch_max threads so that
  // `workers` batches can fill at the same time.
  int batch_max = 1;
  int batch_window_ms = 5;
  // DetectProductBeta's SKU gallery (product_gallery.h); null = FindSKU 0.
  std::shared_ptr<const ProductGallery> product_gallery;
  // PP-OCRv4 det/rec + keys (scripts/fetch_models.sh), relative to models_dir. Required.
  std::string ocr_subdir = "ocr";
  // Faces, embedder, attribute classifiers (model_registry.h); may be null
  // (then DetectChefDress/DetectSecurity answer InternalError).
  std::shared_ptr<class ModelRegistry> registry;
};

class VisionEngine {
 public:
  using Clock = std::chrono::steady_clock;

  // Errors name the missing or unreadable model file.
  static Result<std::unique_ptr<VisionEngine>> Load(const VisionConfig& config);
  ~VisionEngine();

  // DetectPet's input limits: ≤ 4 MB, ≤ 3840x2160, JPG/PNG/BMP.
  static ImageLimits PetImageLimits() { return ImageLimits{}; }

  // Checks the image bytes here, then decodes and detects on the pool (never
  // on the caller's thread) and waits until `deadline`. Errors: image errors
  // (image_decode.h), errc::kRequestLimitExceeded (queue full),
  // kRequestTimeout, kNoObjectDetected (no cat or dog), kInternalError.
  Result<std::vector<Pet>> DetectPet(std::string_view image_bytes, Clock::time_point deadline);

  // Checks `bytes` against `limits` on the caller's thread, then runs
  // fn(decoded image) on the pool and waits until `deadline`. Every
  // recogniser goes through here. Errors: image errors, RequestLimitExceeded
  // (queue full), RequestTimeout, and whatever fn returns.
  template <typename T>
  Result<T> RunOnImage(std::string_view bytes, const ImageLimits& limits, Clock::time_point deadline,
                       std::function<Result<T>(const cv::Mat&)> fn) {
    Result<ImageInfo> info = InspectImage(bytes, limits);
    if (!info.ok()) return info.status();
    // The task owns a copy: it may still run after this call timed out.
    auto submitted = pool_->Submit<T>(
        deadline, [bytes = std::string(bytes), limits, fn = std::move(fn)]() -> Result<T> {
          Result<cv::Mat> image = DecodeImage(bytes, limits);
          if (!image.ok()) return image.status();
          return fn(*image);
        });
    if (!submitted.ok()) return submitted.status();
    auto& future = submitted.value();
    if (future.wait_until(deadline) != std::future_status::ready)
      return Status(errc::kRequestTimeout, "recognition did not finish in time");
    return future.get();
  }

  // The COCO detector with its run time recorded in inference_histogram().
  // REQUIRES: called on a pool worker (inside RunOnImage's fn).
  Result<std::vector<Detection>> Detect(const cv::Mat& image);

  // Raw detector access (benchmark baseline, other recognisers).
  const YoloDetector& detector() const { return *detector_; }
  // The operator's SKU gallery, or nullptr.
  const ProductGallery* product_gallery() const { return config_.product_gallery.get(); }
  // nullptr when micro-batching is off.
  const DetectBatcher* batcher() const { return batcher_.get(); }
  // PP-OCRv4 text detection + recognition (RecognizeCarPro, DetectEnvelope).
  const ocr::OcrEngine& ocr() const { return *ocr_; }
  size_t queue_depth() const { return pool_->queue_depth(); }
  // Detector run time per image (decode excluded), for /metrics as
  // kanjian_inference_ms. Owned by the engine; valid while it lives.
  const metrics::Histogram& inference_histogram() const { return inference_ms_; }
  const VisionConfig& config() const { return config_; }

 private:
  VisionEngine(VisionConfig config, std::unique_ptr<YoloDetector> detector);

  // Constant after construction.
  const VisionConfig config_;
  const std::unique_ptr<YoloDetector> detector_;
  // Lock-free; written by the workers.
  metrics::Histogram inference_ms_;
  // Set in the constructor when config_.batch_max > 1.
  std::unique_ptr<DetectBatcher> batcher_;
  // Set once in Load(), before the engine is shared.
  std::unique_ptr<ocr::OcrEngine> ocr_;
  // Declared last so it is destroyed (workers joined, queued tasks failed)
  // before anything its tasks use.
  std::unique_ptr<InferencePool> pool_;
};

}  // namespace kanjian::vision
