// DetectProduct (商品识别) → {"Products":[{"Name","Parents","Confidence",
// "XMin","YMin","XMax","YMax"}]}; no product → FailedOperation.NoObjectDetected.
#include "common/error_codes.h"
#include "server/handlers/handlers.h"
#include "vision/recognizers/product_taxonomy.h"

namespace kanjian::server {

namespace {
constexpr float kMinScore = 0.30f;
}  // namespace

Result<nlohmann::json> HandleDetectProduct(const ActionCall& call) {
  ASSIGN_OR_RETURN(
      auto products,
      call.vision.RunOnImage<std::vector<vision::Product>>(
          call.image, call.limits, call.deadline,
          [&vision = call.vision](const cv::Mat& image) -> Result<std::vector<vision::Product>> {
            ASSIGN_OR_RETURN(auto detections, vision.Detect(image));
            return vision::ProductsFromDetections(detections, kMinScore);
          }));
  if (products.empty()) return Status(errc::kNoObjectDetected, "no product found in the image");
  nlohmann::json list = nlohmann::json::array();
  for (const auto& p : products) {
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
