#include "vision/model_slot.h"

#include <chrono>

namespace kanjian::vision {

Result<std::vector<Detection>> ModelSlot::Detect(const cv::Mat& image) const {
  const auto start = std::chrono::steady_clock::now();
  auto detections = batcher ? batcher->Detect(image) : detector->Detect(image);
  if (inference_ms)
    inference_ms->Observe(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
            .count());
  return detections;
}

}  // namespace kanjian::vision
