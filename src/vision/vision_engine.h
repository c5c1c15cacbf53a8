// The vision layer's front door: owns the models and the inference pool and
// offers one plain function per action. No HTTP, no money.
//
// The COCO detector is reloadable: with a ModelRegistry (VisionConfig::
// registry) it is the current ModelSet's "object_detector", and the engine
// follows the registry's swaps. Each request pins the detector current when
// it is admitted (RunOnImage) and keeps it until it finishes, so a reload
// never changes or frees the model under an in-flight request; requests
// admitted later use the new one.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
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
  // The detector when `registry` is null (fixed for the engine's life);
  // with a registry its "object_detector" task is used instead.
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
  // The COCO detector, faces, embedder, attribute classifiers
  // (model_registry.h), reloadable; may be null (then the detector is
  // loaded from detector_file and DetectChefDress/DetectSecurity answer
  // InternalError). Its snapshots must hold a detector.
  std::shared_ptr<class ModelRegistry> registry;
};

class VisionEngine {
 public:
  using Clock = std::chrono::steady_clock;

  // One loaded detector and, when micro-batching is on, its own batcher (a
  // batch never mixes two models). Immutable once built; shared by the
  // requests that pinned it.
  struct DetectorSlot {
    std::shared_ptr<const YoloDetector> detector;
    std::unique_ptr<DetectBatcher> batcher;  // null when batching is off
  };

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
    // The task owns a copy and the detector pinned now: it may still run
    // after this call timed out, or after a reload.
    auto submitted = pool_->Submit<T>(
        deadline, [bytes = std::string(bytes), limits, fn = std::move(fn),
                   detector = CurrentDetector()]() -> Result<T> {
          PinnedDetectorScope pin(detector.get());
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

  // The COCO detector with its run time recorded in inference_histogram():
  // inside RunOnImage's fn, the detector that request pinned; elsewhere the
  // current one.
  Result<std::vector<Detection>> Detect(const cv::Mat& image);

  // The detector new requests get: the registry's current one (followed
  // here when the registry swapped), else the fixed one. Thread-safe.
  std::shared_ptr<const DetectorSlot> CurrentDetector() const;

  // Raw access to the current detector (benchmark baseline, tests). Valid
  // until the next reload; requests use Detect() instead.
  const YoloDetector& detector() const { return *CurrentDetector()->detector; }
  // The operator's SKU gallery, or nullptr.
  const ProductGallery* product_gallery() const { return config_.product_gallery.get(); }
  // The current detector's batcher; nullptr when micro-batching is off.
  // Valid until the next reload.
  const DetectBatcher* batcher() const { return CurrentDetector()->batcher.get(); }
  // PP-OCRv4 text detection + recognition (RecognizeCarPro, DetectEnvelope).
  const ocr::OcrEngine& ocr() const { return *ocr_; }
  size_t queue_depth() const { return pool_->queue_depth(); }
  // Detector run time per image (decode excluded), for /metrics as
  // kanjian_inference_ms. Owned by the engine; valid while it lives.
  const metrics::Histogram& inference_histogram() const { return inference_ms_; }
  const VisionConfig& config() const { return config_; }

 private:
  // While alive, Detect() on this thread uses `slot` (RunOnImage's tasks).
  class PinnedDetectorScope {
   public:
    explicit PinnedDetectorScope(const DetectorSlot* slot);
    ~PinnedDetectorScope();
    PinnedDetectorScope(const PinnedDetectorScope&) = delete;
    PinnedDetectorScope& operator=(const PinnedDetectorScope&) = delete;

   private:
    const DetectorSlot* const saved_;
  };

  VisionEngine(VisionConfig config, std::shared_ptr<const YoloDetector> detector);
  std::shared_ptr<const DetectorSlot> MakeSlot(std::shared_ptr<const YoloDetector> detector) const;

  // Constant after construction.
  const VisionConfig config_;
  // Lock-free; written by the workers.
  metrics::Histogram inference_ms_;
  // Lock order: mu_, then the registry's (CurrentDetector reads its
  // snapshot under mu_ so that two callers never install slots out of order).
  mutable std::mutex mu_;
  mutable std::shared_ptr<const DetectorSlot> detector_;  // guarded by mu_; never null
  // Set once in Load(), before the engine is shared.
  std::unique_ptr<ocr::OcrEngine> ocr_;
  // Declared last so it is destroyed (workers joined, queued tasks failed)
  // before anything its tasks use.
  std::unique_ptr<InferencePool> pool_;
};

}  // namespace kanjian::vision
