// One thin handler per action: read the action's own parameters, call the
// plain recognition function in vision/, format the response fields. The
// image bytes are already fetched/decoded from base64 and size-checked.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "common/status.h"
#include "protocol/actions.h"
#include "vision/vision_engine.h"

namespace kanjian::server {

struct ActionCall {
  const protocol::ActionSpec& spec;
  const vision::ImageLimits& limits;  // ImageLimitsFor(spec)
  const nlohmann::json& params;       // the request body, already checked for unknown names
  const std::string& image;           // raw image bytes
  std::chrono::steady_clock::time_point deadline;
  vision::VisionEngine& vision;
};

using ActionHandler = Result<nlohmann::json> (*)(const ActionCall& call);

// The handler of a row of protocol::kActions (every row has one).
// REQUIRES: `spec` is an element of protocol::kActions (FindAction's result).
ActionHandler HandlerFor(const protocol::ActionSpec& spec);
// The decoding limits of the action's images, from its table row.
vision::ImageLimits ImageLimitsFor(const protocol::ActionSpec& spec);

// The handlers, one file each (handlers/<action>.cc).
Result<nlohmann::json> HandleDetectPet(const ActionCall& call);
Result<nlohmann::json> HandleDetectProduct(const ActionCall& call);
Result<nlohmann::json> HandleDetectProductBeta(const ActionCall& call);
Result<nlohmann::json> HandleRecognizeCar(const ActionCall& call);     // recognize_car.cc
Result<nlohmann::json> HandleRecognizeCarPro(const ActionCall& call);  // recognize_car.cc
Result<nlohmann::json> HandleDetectEnvelope(const ActionCall& call);
Result<nlohmann::json> HandleDetectChefDress(const ActionCall& call);  // + detect_security.cc
Result<nlohmann::json> HandleDetectSecurity(const ActionCall& call);

}  // namespace kanjian::server
