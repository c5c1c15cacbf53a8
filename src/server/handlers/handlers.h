// One thin handler per action: map the action's own parameters to the
// arguments of its function in vision/actions.h, run that on the engine's
// pool (RunAction), and map its result to the response fields. Thresholds
// and "nothing found" answers belong to the function, not to the handler.
// The image bytes are already fetched/decoded from base64 and size-checked.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>

#include "common/status.h"
#include "protocol/actions.h"
#include "vision/actions.h"
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

// Runs an action function (vision/actions.h) on the call's image with the
// models the engine pins for it, and waits until the call's deadline.
template <typename T>
Result<T> RunAction(const ActionCall& call, vision::VisionEngine::ImageFn<T> fn) {
  return call.vision.RunOnImage<T>(call.image, call.limits, call.deadline, std::move(fn));
}

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
