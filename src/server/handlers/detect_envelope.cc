// DetectEnvelope (文件封识别) → {"FirstTags":[{Name, Confidence}], "SecondTags":[{Name,
// Confidence}]} Names: 文件封/非文件封; 非文件封, (非)顺丰文件封正面, (非)顺丰文件封反面.
// Confidence Float 0–100.
#include "server/handlers/handlers.h"

namespace kanjian::server {

Result<nlohmann::json> HandleDetectEnvelope(const ActionCall& call) {
  ASSIGN_OR_RETURN(auto r, RunAction<vision::EnvelopeResult>(call, vision::DetectEnvelope));
  auto tag = [](const vision::EnvelopeTag& t) {
    return nlohmann::json{{"Name", t.name}, {"Confidence", t.confidence}};
  };
  return nlohmann::json{{"FirstTags", nlohmann::json::array({tag(r.first)})},
                        {"SecondTags", nlohmann::json::array({tag(r.second)})}};
}

}  // namespace kanjian::server
