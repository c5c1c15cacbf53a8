#include "vision/vision_engine.h"

#include <algorithm>
#include <filesystem>
#include <utility>

#include "common/error_codes.h"

namespace kanjian::vision {

VisionEngine::VisionEngine(VisionConfig config, std::unique_ptr<YoloDetector> detector)
    : config_(std::move(config)), detector_(std::move(detector)) {
  InferencePool::Options options;
  options.workers = config_.workers * std::max(1, config_.batch_max);
  if (config_.batch_max > 1) {
    batcher_ = std::make_unique<DetectBatcher>(
        DetectBatcher::Options{config_.batch_max, config_.batch_window_ms, config_.workers},
        [this](const std::vector<cv::Mat>& images) { return detector_->DetectBatch(images); });
  }
  options.queue_max = config_.queue_max;
  pool_ = std::make_unique<InferencePool>(std::move(options));
}

VisionEngine::~VisionEngine() = default;

Result<std::unique_ptr<VisionEngine>> VisionEngine::Load(const VisionConfig& config) {
  if (config.workers < 1 || config.queue_max < 1) {
    return Status(errc::kInvalidParameterValue,
                  "vision needs at least one worker and a queue of at least one");
  }
  DetectorConfig dc;
  dc.model_path = (std::filesystem::path(config.models_dir) / config.detector_file).string();
  dc.input_size = config.detector_input;
  dc.score_threshold = config.detector_score_threshold;
  dc.intra_op_threads = config.intra_op_threads;
  auto detector = YoloDetector::Load(dc);
  if (!detector.ok()) return detector.status();
  ocr::OcrConfig oc;
  oc.models_dir = (std::filesystem::path(config.models_dir) / config.ocr_subdir).string();
  oc.intra_op_threads = config.intra_op_threads;
  auto ocr = ocr::OcrEngine::Load(oc);
  if (!ocr.ok()) return ocr.status();
  auto engine = std::unique_ptr<VisionEngine>(new VisionEngine(config, std::move(detector.value())));
  engine->ocr_ = std::move(ocr.value());
  return engine;
}

Result<std::vector<Detection>> VisionEngine::Detect(const cv::Mat& image) {
  auto start = Clock::now();
  auto detections = batcher_ ? batcher_->Detect(image) : detector_->Detect(image);
  inference_ms_.Observe(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  return detections;
}

Result<std::vector<Pet>> VisionEngine::DetectPet(std::string_view image_bytes,
                                                 Clock::time_point deadline) {
  auto pets = RunOnImage<std::vector<Pet>>(
      image_bytes, PetImageLimits(), deadline,
      [this](const cv::Mat& image) -> Result<std::vector<Pet>> {
        auto detections = Detect(image);
        if (!detections.ok()) return detections.status();
        return PetsFromDetections(*detections, config_.pet_min_score);
      });
  if (pets.ok() && pets->empty()) {
    return Status(errc::kNoObjectDetected, "no cat or dog found in the image");
  }
  return pets;
}

}  // namespace kanjian::vision
