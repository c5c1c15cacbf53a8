// DetectChefDress (厨师穿戴识别) and the shared body-action handler:
// {"Bodies":[{"Rect":{X,Y,Width,Height},"DetectConfidence","Attributes":[{Name,Label,Confidence}]}]}
// Request extras: EnableDetect, EnablePreferred (Booleans, default true).
#include <cmath>

#include "common/error_codes.h"
#include "server/handlers/detect_body.h"

namespace kanjian::server {
namespace {

Result<bool> BoolParam(const nlohmann::json& params, const char* name, bool dflt) {
  if (!params.contains(name)) return dflt;
  const auto& v = params[name];
  if (!v.is_boolean())
    return Status(errc::kInvalidParameterValue, std::string(name) + " must be a Boolean");
  return v.get<bool>();
}

// 0..1 with 4 decimals (a float printed as a double shows noise digits).
double Round4(float v) {
  return std::round(double(v) * 1e4) / 1e4;
}

}  // namespace

Result<nlohmann::json> HandleBodyAction(const ActionCall& call, BodyActionFn detect_bodies) {
  vision::BodyOptions options;
  ASSIGN_OR_RETURN(auto detect, BoolParam(call.params, "EnableDetect", true));
  ASSIGN_OR_RETURN(auto preferred, BoolParam(call.params, "EnablePreferred", true));
  options.enable_detect = detect;
  options.enable_preferred = preferred;

  ASSIGN_OR_RETURN(
      auto bodies,
      RunAction<std::vector<vision::Body>>(
          call, [detect_bodies, options](const cv::Mat& image, const vision::ModelSlot& models) {
            return detect_bodies(image, models, options);
          }));
  nlohmann::json list = nlohmann::json::array();
  for (const auto& b : bodies) {
    nlohmann::json attributes = nlohmann::json::array();
    for (const auto& a : b.attributes)
      attributes.push_back(
          {{"Name", a.name}, {"Label", a.label}, {"Confidence", Round4(a.confidence)}});
    list.push_back(
        {{"Rect",
          {{"X", b.rect.x}, {"Y", b.rect.y}, {"Width", b.rect.width}, {"Height", b.rect.height}}},
         {"DetectConfidence", Round4(b.detect_confidence)},
         {"Attributes", std::move(attributes)}});
  }
  return nlohmann::json{{"Bodies", std::move(list)}};
}

Result<nlohmann::json> HandleDetectChefDress(const ActionCall& call) {
  return HandleBodyAction(call, vision::DetectChefDress);
}

}  // namespace kanjian::server
