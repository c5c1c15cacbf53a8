// The vision layer's front door: owns the models and the inference pool and
// offers one plain function per action. No HTTP, no money.
//
// The COCO detector, the PP-OCRv4 models and the product gallery are
// reloadable: with a ModelRegistry (VisionConfig::registry) they are the
// current ModelSet's "object_detector", ocr and product_gallery, and the
// engine follows the registry's swaps. Each request pins the models current
// when it is admitted (RunOnImage: a DetectorSlot) and keeps them until it
// finishes, so a reload never changes or frees a model under an in-flight
// request; requests admitted later use the new ones.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/error_codes.h"
#include "common/metrics.h"
#include "common/status.h"
#include "vision/models/ocr/ocr_engine.h"
#include "vision/models/product_gallery.h"
#include "vision/models/yolo_detector.h"
#include "vision/recognizers/pet_recognizer.h"
#include "vision/runtime/detect_batcher.h"
#include "vision/runtime/image_decode.h"
#include "vision/runtime/inference_pool.h"

namespace kanjian::vision {

class ModelRegistry;
struct ModelSet;

struct VisionConfig {
  std::string models_dir;  // holds yolov5s_dyn.onnx (and the square yolov5s.onnx)
  // The detector when `registry` is null (fixed for the engine's life);
  // with a registry its "object_detector" task is used instead.
  std::string detector_file = "yolov5s_dyn.onnx";     // relative to models_dir
  Letterbox detector_letterbox = Letterbox::kStride;  // kSquare for a fixed-size model
  // `kanjian serve`'s defaults too (its flags start from these): one worker
  // with two ONNX Runtime threads matches two single-threaded workers'
  // throughput on 2 cores at half the latency, since one image's inference
  // then uses both cores (bench/vision_bench; docs/developers/benchmarks.md).
  int workers = 1;
  size_t queue_max = 64;
  // Uploads decoded on the caller's (request) thread while the workers run
  // inference, at most this many waiting at once; beyond it a worker
  // decodes, as with 0. Bounds the decoded images held ahead of the pool
  // (≤ 24 MB each at 3840x2160) while the queue holds only bytes.
  int decode_ahead_max = 4;
  int detector_input = 640;  // the detector's longer input side
  int intra_op_threads = 2;  // per worker
  float detector_score_threshold = 0.25f;
  float pet_min_score = 0.30f;  // 0..1
  // Micro-batching of the detector (detect_batcher.h); batch_max 1 = off.
  // With batching on, the pool runs workers × batch_max threads so that
  // `workers` batches can fill at the same time.
  int batch_max = 1;
  int batch_window_ms = 0;
  // DetectProductBeta's SKU gallery (product_gallery.h) when the registry's
  // sets carry none (fixed); null = FindSKU 0. `serve` loads the gallery
  // through the registry instead (ExtraModelDirs), so that it reloads.
  std::shared_ptr<const ProductGallery> product_gallery = nullptr;
  // PP-OCRv4 det/rec + keys (scripts/fetch_models.sh), relative to models_dir:
  // loaded once at start unless the registry's sets carry the OCR models
  // (ExtraModelDirs::ocr_dir, as `serve` wires it). Required either way.
  std::string ocr_subdir = "ocr";
  // The COCO detector, faces, embedder, attribute classifiers, and with
  // ExtraModelDirs the OCR models and the gallery (model_registry.h),
  // reloadable; may be null (then the detector is loaded from detector_file
  // and DetectChefDress/DetectSecurity answer InternalError). Its snapshots
  // must hold a detector.
  std::shared_ptr<ModelRegistry> registry = nullptr;
};

class VisionEngine {
 public:
  using Clock = std::chrono::steady_clock;

  // The models one request pins: a loaded detector and, when micro-batching
  // is on, its own batcher (a batch never mixes two models), with the OCR
  // engine and gallery of the same ModelSet. Immutable once built; shared by
  // the requests that pinned it.
  struct DetectorSlot {
    std::shared_ptr<const ModelSet> models;  // the set it came from; null without a registry
    std::shared_ptr<const YoloDetector> detector;
    std::unique_ptr<DetectBatcher> batcher;                 // null when batching is off
    std::shared_ptr<const ocr::OcrEngine> ocr;              // never null
    std::shared_ptr<const ProductGallery> product_gallery;  // null = no gallery
  };

  // Errors name the missing or unreadable model file.
  static Result<std::unique_ptr<VisionEngine>> Load(const VisionConfig& config);
  ~VisionEngine();

  // DetectPet's input limits: ≤ 4 MB, ≤ 3840x2160, JPG/PNG/BMP.
  static ImageLimits PetImageLimits() { return ImageLimits{}; }

  // Checks the image bytes here, then detects on the pool and waits until
  // `deadline`. The image is decoded on the caller's thread when few decoded
  // images are waiting (TryDecodeAhead, so decoding overlaps inference),
  // otherwise by the worker. Errors: image errors
  // (image_decode.h), errc::kRequestLimitExceeded (queue full),
  // kRequestTimeout, kNoObjectDetected (no cat or dog), kInternalError.
  // `limits`: the action table's (the server passes them; tests and benches
  // take DetectPet's own).
  Result<std::vector<Pet>> DetectPet(std::string_view image_bytes, Clock::time_point deadline,
                                     const ImageLimits& limits = PetImageLimits());

  // Checks `bytes` against `limits` on the caller's thread, then runs
  // fn(decoded image) on the pool and waits until `deadline`. Every
  // recogniser goes through here. Errors: image errors, RequestLimitExceeded
  // (queue full), RequestTimeout, and whatever fn returns.
  template <typename T>
  Result<T> RunOnImage(std::string_view bytes, const ImageLimits& limits,
                       Clock::time_point deadline, std::function<Result<T>(const cv::Mat&)> fn) {
    RETURN_IF_ERROR(InspectImage(bytes, limits));
    // Decoded here, in parallel with the workers' inference, when few
    // enough are already waiting; otherwise the worker decodes the bytes.
    DecodeAhead ahead = TryDecodeAhead(bytes, limits);
    if (!ahead.status.ok()) return ahead.status;
    // The task owns a copy (bytes or pixels) and the detector pinned now:
    // it may still run after this call timed out, or after a reload.
    std::string copy = ahead.image.empty() ? std::string(bytes) : std::string();
    ASSIGN_OR_RETURN(
        auto submitted,
        pool_->Submit<T>(
            deadline,
            [bytes = std::move(copy), image = std::move(ahead.image), slot = std::move(ahead.slot),
             limits, fn = std::move(fn), detector = CurrentDetector()]() mutable -> Result<T> {
              slot.reset();  // a worker has it now: the next upload may decode ahead
              PinnedDetectorScope pin(detector.get());
              if (!image.empty()) return fn(image);
              ASSIGN_OR_RETURN(cv::Mat decoded, DecodeImage(bytes, limits));
              return fn(decoded);
            }));
    auto& future = submitted;
    if (future.wait_until(deadline) != std::future_status::ready)
      return Status(errc::kRequestTimeout, "recognition did not finish in time");
    return future.get();
  }

  // The COCO detector with its run time recorded in inference_histogram():
  // inside RunOnImage's fn, the detector that request pinned; elsewhere the
  // current one.
  Result<std::vector<Detection>> Detect(const cv::Mat& image);

  // The models new requests get: the registry's current set (followed here
  // when the registry swapped), else the fixed ones. Thread-safe.
  std::shared_ptr<const DetectorSlot> CurrentDetector() const;

  // Raw access to the current detector (benchmark baseline, tests). Valid
  // until the next reload; requests use Detect() instead.
  const YoloDetector& detector() const { return *CurrentDetector()->detector; }
  // The operator's SKU gallery, or nullptr; and PP-OCRv4 text detection +
  // recognition (RecognizeCarPro, DetectEnvelope). Inside RunOnImage's fn
  // the ones that request pinned; elsewhere the current ones, valid until
  // the next reload.
  const ProductGallery* product_gallery() const;
  const ocr::OcrEngine& ocr() const;
  // The current detector's batcher; nullptr when micro-batching is off.
  // Valid until the next reload.
  const DetectBatcher* batcher() const { return CurrentDetector()->batcher.get(); }
  size_t queue_depth() const { return pool_->queue_depth(); }
  // Detector run time per image (decode excluded), for /metrics as
  // kanjian_inference_ms. Owned by the engine; valid while it lives.
  const metrics::Histogram& inference_histogram() const { return inference_ms_; }
  const VisionConfig& config() const { return config_; }

 private:
  // One of decode_ahead_max places; given back when reset or destroyed.
  using AheadSlot = std::shared_ptr<void>;
  struct DecodeAhead {
    Status status = Status::Ok();  // a decode error (nothing is queued then)
    cv::Mat image;                 // empty: the worker decodes the bytes
    AheadSlot slot;                // held until a worker takes the image
  };
  // Decodes `bytes` now if fewer than decode_ahead_max decoded images wait
  // for a worker and the queue has room; else returns an empty image.
  DecodeAhead TryDecodeAhead(std::string_view bytes, const ImageLimits& limits);

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

  VisionEngine(VisionConfig config, std::shared_ptr<const ModelSet> models,
               std::shared_ptr<const YoloDetector> detector,
               std::shared_ptr<const ocr::OcrEngine> fixed_ocr);
  std::shared_ptr<const DetectorSlot> MakeSlot(std::shared_ptr<const ModelSet> models,
                                               std::shared_ptr<const YoloDetector> detector) const;
  // The slot RunOnImage pinned on this thread, else the current one (kept
  // alive by *hold).
  const DetectorSlot& PinnedOrCurrent(std::shared_ptr<const DetectorSlot>* hold) const;

  // Constant after construction.
  const VisionConfig config_;
  // The OCR engine loaded at start when the registry's sets carry none.
  const std::shared_ptr<const ocr::OcrEngine> fixed_ocr_;
  // Lock-free; written by the workers.
  metrics::Histogram inference_ms_;
  // Decoded images waiting for a worker (≤ config_.decode_ahead_max).
  std::atomic<int> decoded_ahead_{0};
  // Lock order: mu_, then the registry's (CurrentDetector reads its
  // snapshot under mu_ so that two callers never install slots out of order).
  mutable std::mutex mu_;
  mutable std::shared_ptr<const DetectorSlot> detector_;  // guarded by mu_; never null
  // Declared last so it is destroyed (workers joined, queued tasks failed)
  // before anything its tasks use.
  std::unique_ptr<InferencePool> pool_;
};

}  // namespace kanjian::vision
