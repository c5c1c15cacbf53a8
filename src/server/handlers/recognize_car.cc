// RecognizeCar (车辆识别) and RecognizeCarPro (车辆识别增强版) →
// {"CarCoords":[{X,Y}×4 of the largest car], "CarTags":[{Serial, Brand, Type, Color,
//  Confidence, Year, CarLocation, PlateContent, (Pro:) PlateConfidence, TypeConfidence,
//  ColorConfidence, OrientationConfidence, Orientation}]}
// Serial/Brand/Year/Orientation need a make/orientation model that is not bundled:
// ""/0 (docs/developers/vision/ocr_car_envelope.md).
#include "server/handlers/handlers.h"

namespace kanjian::server {
namespace {

using nlohmann::json;

template <typename Points>
json PointsJson(const Points& points) {
  json out = json::array();
  for (const auto& p : points) out.push_back({{"X", p.x}, {"Y", p.y}});
  return out;
}

json PlateJson(const vision::PlateInfo& p) {
  return {{"Plate", p.plate},         {"Color", p.color},
          {"Type", p.type},           {"PlateLocation", PointsJson(p.location)},
          {"PlateStatus", p.status},  {"PlateStatusConfidence", p.status_confidence},
          {"PlateAngle", p.angle_deg}};
}

Result<json> Handle(const ActionCall& call, bool pro) {
  ASSIGN_OR_RETURN(auto cars, RunAction<std::vector<vision::CarTag>>(
                                  call, pro ? vision::RecognizeCarPro : vision::RecognizeCar));
  json tags = json::array();
  for (const auto& c : cars) {
    json tag = {{"Serial", ""},
                {"Brand", ""},
                {"Type", c.type},
                {"Color", c.color},
                {"Confidence", c.confidence},
                {"Year", 0},
                {"CarLocation", PointsJson(c.location)},
                {"PlateContent", nullptr}};
    if (pro && c.plate) {
      tag["PlateContent"] = PlateJson(*c.plate);
      tag["PlateConfidence"] = c.plate->confidence;
      tag["TypeConfidence"] = c.confidence;
      tag["ColorConfidence"] = c.color_confidence;
      tag["OrientationConfidence"] = 0;
      tag["Orientation"] = "";
    }
    tags.push_back(std::move(tag));
  }
  json coords = tags.empty() ? json::array() : tags[0]["CarLocation"];
  return json{{"CarCoords", std::move(coords)}, {"CarTags", std::move(tags)}};
}

}  // namespace

Result<nlohmann::json> HandleRecognizeCar(const ActionCall& call) {
  return Handle(call, false);
}
Result<nlohmann::json> HandleRecognizeCarPro(const ActionCall& call) {
  return Handle(call, true);
}

}  // namespace kanjian::server
