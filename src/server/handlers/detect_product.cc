// DetectProduct (商品识别) → {"Products":[{"Name","Parents","Confidence",
// "XMin","YMin","XMax","YMax"}]}; no product → FailedOperation.NoObjectDetected.
#include "server/handlers/handlers.h"

namespace kanjian::server {

Result<nlohmann::json> HandleDetectProduct(const ActionCall& call) {
  ASSIGN_OR_RETURN(auto products,
                   RunAction<std::vector<vision::Product>>(call, vision::DetectProduct));
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
