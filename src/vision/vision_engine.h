// The vision layer's front door: owns the models and the inference pool,
// and runs the action functions (actions.h) on that pool. No HTTP, no money.
//
// The COCO detector, the PP-OCRv4 models and the product gallery are
// reloadable: with a ModelRegistry (VisionConfig::registry) they are the
// current ModelSet's "object_detector", ocr and product_gallery, and the
// engine follows the registry's swaps. Each request pins the models current
// when it is admitted (RunOnImage: a ModelSlot, passed to its function) and
// keeps them until it finishes, so a reload never changes or frees a model
// under an in-flight request; requests admitted later use the new ones.
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
#include "vision/model_slot.h"
#include "vision/models/ocr/ocr_engine.h"
#include "vision/models/product_gallery.h"
#include "vision/models/yolo_detector.h"
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

  // Errors name the missing or unreadable model file.
  static Result<std::unique_ptr<VisionEngine>> Load(const VisionConfig& config);
  ~VisionEngine();

  // DetectPet's input limits: ≤ 4 MB, ≤ 3840x2160, JPG/PNG/BMP.
  static ImageLimits PetImageLimits() { return ImageLimits{}; }

  // The function of an action (actions.h): the decoded image and the models
  // the request pinned.
  template <typename T>
  using ImageFn = std::function<Result<T>(const cv::Mat& image, const ModelSlot& models)>;

  // Checks `bytes` against `limits` on the caller's thread, pins the current
  // models, then runs fn(decoded image, models) on the pool and waits until
  // `deadline`. Every action goes through here. The image is decoded on the
  // caller's thread when few decoded images are waiting (TryDecodeAhead, so
  // decoding overlaps inference), otherwise by the worker. Errors: image
  // errors (image_decode.h), RequestLimitExceeded (queue full),
  // RequestTimeout, and whatever fn returns. `limits`: the action table's
  // (the server passes them; tests and benches may take PetImageLimits()).
  template <typename T>
  Result<T> RunOnImage(std::string_view bytes, const ImageLimits& limits,
                       Clock::time_point deadline, ImageFn<T> fn) {
    RETURN_IF_ERROR(InspectImage(bytes, limits));
    // Decoded here, in parallel with the workers' inference, when few
    // enough are already waiting; otherwise the worker decodes the bytes.
    DecodeAhead ahead = TryDecodeAhead(bytes, limits);
    if (!ahead.status.ok()) return ahead.status;
    // The task owns a copy (bytes or pixels) and the models pinned now: it
    // may still run after this call timed out, or after a reload.
    std::string copy = ahead.image.empty() ? std::string(bytes) : std::string();
    ASSIGN_OR_RETURN(
        auto submitted,
        pool_->Submit<T>(
            deadline,
            [bytes = std::move(copy), image = std::move(ahead.image), slot = std::move(ahead.slot),
             limits, fn = std::move(fn), models = CurrentModels()]() mutable -> Result<T> {
              slot.reset();  // a worker has it now: the next upload may decode ahead
              if (!image.empty()) return fn(image, *models);
              ASSIGN_OR_RETURN(cv::Mat decoded, DecodeImage(bytes, limits));
              return fn(decoded, *models);
            }));
    auto& future = submitted;
    if (future.wait_until(deadline) != std::future_status::ready)
      return Status(errc::kRequestTimeout, "recognition did not finish in time");
    return future.get();
  }

  // The models new requests get: the registry's current set (followed here
  // when the registry swapped), else the fixed ones. Thread-safe.
  std::shared_ptr<const ModelSlot> CurrentModels() const;

  // Raw access to the current detector (benchmark baseline, tests). Valid
  // until the next reload; requests use their ModelSlot's Detect() instead.
  const YoloDetector& detector() const { return *CurrentModels()->detector; }
  // The current detector's batcher; nullptr when micro-batching is off.
  // Valid until the next reload.
  const DetectBatcher* batcher() const { return CurrentModels()->batcher.get(); }
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

  VisionEngine(VisionConfig config, std::shared_ptr<const ModelSet> models,
               std::shared_ptr<const YoloDetector> detector,
               std::shared_ptr<const ocr::OcrEngine> fixed_ocr);
  std::shared_ptr<const ModelSlot> MakeSlot(std::shared_ptr<const ModelSet> models,
                                            std::shared_ptr<const YoloDetector> detector) const;

  // Constant after construction.
  const VisionConfig config_;
  // The OCR engine loaded at start when the registry's sets carry none.
  const std::shared_ptr<const ocr::OcrEngine> fixed_ocr_;
  // Lock-free; written by the workers (through their ModelSlot).
  mutable metrics::Histogram inference_ms_;
  // Decoded images waiting for a worker (≤ config_.decode_ahead_max).
  std::atomic<int> decoded_ahead_{0};
  // Lock order: mu_, then the registry's (CurrentModels reads its snapshot
  // under mu_ so that two callers never install slots out of order).
  mutable std::mutex mu_;
  mutable std::shared_ptr<const ModelSlot> slot_;  // guarded by mu_; never null
  // Declared last so it is destroyed (workers joined, queued tasks failed)
  // before anything its tasks use.
  std::unique_ptr<InferencePool> pool_;
};

}  // namespace kanjian::vision
