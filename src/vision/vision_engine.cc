#include "vision/vision_engine.h"

#include <algorithm>
#include <filesystem>
#include <utility>

#include "common/error_codes.h"
#include "vision/registry/model_registry.h"

namespace kanjian::vision {

VisionEngine::VisionEngine(VisionConfig config, std::shared_ptr<const ModelSet> models,
                           std::shared_ptr<const YoloDetector> detector,
                           std::shared_ptr<const ocr::OcrEngine> fixed_ocr)
    : config_(std::move(config)), fixed_ocr_(std::move(fixed_ocr)) {
  slot_ = MakeSlot(std::move(models), std::move(detector));
  InferencePool::Options options;
  options.workers = config_.workers * std::max(1, config_.batch_max);
  options.queue_max = config_.queue_max;
  pool_ = std::make_unique<InferencePool>(std::move(options));
}

VisionEngine::~VisionEngine() = default;

std::shared_ptr<const ModelSlot> VisionEngine::MakeSlot(
    std::shared_ptr<const ModelSet> models, std::shared_ptr<const YoloDetector> detector) const {
  auto slot = std::make_shared<ModelSlot>();
  slot->detector = std::move(detector);
  slot->inference_ms = &inference_ms_;
  slot->ocr = models && models->ocr ? models->ocr : fixed_ocr_;
  slot->product_gallery =
      models && models->product_gallery ? models->product_gallery : config_.product_gallery;
  slot->models = std::move(models);
  if (config_.batch_max > 1) {
    // The slot owns the detector the batcher runs, and outlives the batcher.
    const YoloDetector* d = slot->detector.get();
    slot->batcher = std::make_unique<DetectBatcher>(
        DetectBatcher::Options{config_.batch_max, config_.batch_window_ms, config_.workers},
        [d](const std::vector<cv::Mat>& images) { return d->DetectBatch(images); });
  }
  return slot;
}

std::shared_ptr<const ModelSlot> VisionEngine::CurrentModels() const {
  std::lock_guard<std::mutex> lock(mu_);
  if (config_.registry) {
    std::shared_ptr<const ModelSet> current = config_.registry->Snapshot();
    // A registry always holds a detector when the engine uses it (Load checks,
    // the server requires the task on every reload), and OCR models if it did
    // at start (its directories are fixed); keep the last slot if not.
    if (current != slot_->models && current->detector && (current->ocr || fixed_ocr_)) {
      std::shared_ptr<const YoloDetector> detector = current->detector;
      slot_ = MakeSlot(std::move(current), std::move(detector));
    }
  }
  return slot_;
}

Result<std::unique_ptr<VisionEngine>> VisionEngine::Load(const VisionConfig& config) {
  if (config.workers < 1 || config.queue_max < 1) {
    return Status(errc::kInvalidConfiguration,
                  "vision needs at least one worker and a queue of at least one");
  }
  std::shared_ptr<const YoloDetector> detector;
  std::shared_ptr<const ModelSet> models;
  if (config.registry) {
    models = config.registry->Snapshot();
    detector = models->detector;
    if (!detector)
      return Status(errc::kInvalidConfiguration,
                    "models config " + models->config.source + " has no object_detector");
  } else {
    DetectorConfig dc;
    dc.model_path = (std::filesystem::path(config.models_dir) / config.detector_file).string();
    dc.input_size = config.detector_input;
    dc.letterbox = config.detector_letterbox;
    dc.score_threshold = config.detector_score_threshold;
    dc.intra_op_threads = config.intra_op_threads;
    ASSIGN_OR_RETURN(auto loaded, YoloDetector::Load(dc));
    detector = std::move(loaded);
  }
  std::shared_ptr<const ocr::OcrEngine> fixed_ocr;
  if (!models || !models->ocr) {
    ocr::OcrConfig oc;
    oc.models_dir = (std::filesystem::path(config.models_dir) / config.ocr_subdir).string();
    oc.intra_op_threads = config.intra_op_threads;
    ASSIGN_OR_RETURN(fixed_ocr, ocr::OcrEngine::Load(oc));
  }
  return std::unique_ptr<VisionEngine>(
      new VisionEngine(config, std::move(models), std::move(detector), std::move(fixed_ocr)));
}

VisionEngine::DecodeAhead VisionEngine::TryDecodeAhead(std::string_view bytes,
                                                       const ImageLimits& limits) {
  DecodeAhead out;
  // A full queue refuses the call anyway: do not decode for nothing.
  if (pool_->queue_depth() >= config_.queue_max) return out;
  if (decoded_ahead_.fetch_add(1) >= config_.decode_ahead_max) {
    decoded_ahead_.fetch_sub(1);
    return out;
  }
  out.slot = AheadSlot(nullptr, [this](void*) { decoded_ahead_.fetch_sub(1); });
  Result<cv::Mat> image = DecodeImage(bytes, limits);
  if (!image.ok()) {
    out.status = image.status();
    return out;
  }
  out.image = std::move(image.value());
  return out;
}

}  // namespace kanjian::vision
