#include "vision/vehicle_action.h"

#include "common/error_codes.h"
#include "vision/recognizers/vehicle_search.h"

namespace kanjian::vision {

Result<std::vector<CarTag>> RecognizeCars(VisionEngine& engine, std::string_view image_bytes,
                                          const ImageLimits& limits,
                                          VisionEngine::Clock::time_point deadline, bool pro,
                                          const VehicleOptions& options) {
  auto cars = engine.RunOnImage<std::vector<CarTag>>(
      image_bytes, limits, deadline,
      [&engine, pro, options](const cv::Mat& image) -> Result<std::vector<CarTag>> {
        return FindVehicles(
            image, [&engine](const cv::Mat& m) { return engine.Detect(m); }, engine.ocr(), pro,
            options);
      });
  if (cars.ok() && cars->empty()) {
    return Status(errc::kNoObjectDetected, "no vehicle found in the image");
  }
  return cars;
}

Result<EnvelopeResult> DetectEnvelope(VisionEngine& engine, std::string_view image_bytes,
                                      const ImageLimits& limits,
                                      VisionEngine::Clock::time_point deadline) {
  return engine.RunOnImage<EnvelopeResult>(
      image_bytes, limits, deadline, [&engine](const cv::Mat& image) -> Result<EnvelopeResult> {
        return RecognizeEnvelope(image, engine.ocr());
      });
}

}  // namespace kanjian::vision
