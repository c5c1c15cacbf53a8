// DetectProduct (商品识别) → {"Products":[{"Name","Parents","Confidence",
// "XMin","YMin","XMax","YMax"}]}; no product → FailedOperation.NoObjectDetected.
#include "common/error_codes.h"
#include "server/handlers/handlers.h"
#include "vision/recognisers/product_taxonomy.h"

namespace kanjian::server {

namespace {
constexpr float kMinScore = 0.30f;
}  // namespace

Result<nlohmann::json> HandleDetectProduct(const ActionCall& call) {
  vision::ImageLimits limits;
  limits.max_bytes = call.spec.max_image_bytes;
  auto products = call.vision.RunOnImage<std::vector<vision::Product>>(
      call.image, limits, call.deadline,
      [&vision = call.vision](const cv::Mat& image) -> Result<std::vector<vision::Product>> {
        auto detections = vision.Detect(image);
        if (!detections.ok()) return detections.status();
        return vision::ProductsFromDetections(*detections, kMinScore);
      });
  if (!products.ok()) return products.status();
  if (products->empty()) return Status(errc::kNoObjectDetected, "no product found in the image");
  nlohmann::json list = nlohmann::json::array();
  for (const auto& p : *products) {
    list.push_back({{"Name", p.name},
                    {"Parents", p.parents},
                    {"Confidence", p.confidence},
                    {"XMin", p.box.x},
                    {"YMin", p.box.y},
                    {"XMax", p.box.x + p.box.width},
                    {"YMax", p.box.y + p.box.height}});
  }
  return nlohmann::json{{"Products", std::move(list)}};
}

}  // namespace kanjian::server
