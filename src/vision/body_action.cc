#include "vision/body_action.h"

#include "common/error_codes.h"
#include "vision/vision_engine.h"

namespace kanjian::vision {
namespace {

const std::vector<std::string>& NamesOf(BodyAction action) {
  return action == BodyAction::kChefDress ? ChefDressAttributes() : SecurityAttributes();
}

}  // namespace

Result<std::vector<Body>> DetectBodies(VisionEngine& engine, const ModelRegistry& registry,
                                       BodyAction action, const BodyOptions& options,
                                       std::string_view image_bytes, const ImageLimits& limits,
                                       std::chrono::steady_clock::time_point deadline) {
  std::shared_ptr<const ModelSet> models = registry.Snapshot();
  // The phone method needs COCO detections even when person detection is off.
  bool need_detections = options.enable_detect;
  for (const std::string& name : NamesOf(action)) {
    auto it = models->config.attributes.find(name);
    if (it != models->config.attributes.end() && it->second.builtin == "phone_near_person")
      need_detections = true;
  }
  auto bodies = engine.RunOnImage<std::vector<Body>>(
      image_bytes, limits, deadline,
      [&engine, models, action, options,
       need_detections](const cv::Mat& image) -> Result<std::vector<Body>> {
        std::vector<Detection> detections;
        if (need_detections) {
          ASSIGN_OR_RETURN(auto d, engine.Detect(image));
          detections = std::move(d);
        }
        return RecognizeBodies(image, detections, *models, action, options);
      });
  if (bodies.ok() && bodies->empty())
    return Status(errc::kNoBodyInPhoto, "no person found in the image");
  return bodies;
}

}  // namespace kanjian::vision
